// Where the J-ClinicalBench release lives. It is read at run time and never shipped with jcb.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

export const RELEASE_REPOSITORY = 'https://github.com/seiji-shimizu/J-ClinicalBench-release';
export const DEFAULT_PULL_DIR = 'j-clinicalbench';

/** The release's root, from JCB_DATA_DIR or the folder `jcb data pull` makes, checked to be one. */
export function releaseRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.JCB_DATA_DIR;
  const root = path.resolve(configured || DEFAULT_PULL_DIR);
  if (!existsSync(path.join(root, 'data', 'benchmarks'))) {
    const where = configured ? `JCB_DATA_DIR=${configured} has no data/benchmarks folder` : 'JCB_DATA_DIR is not set';
    throw new UserError(
      `No J-ClinicalBench release found: ${where}.`,
      'Set JCB_DATA_DIR to a copy of the release, or run `npx jcb data pull` to fetch it into ./j-clinicalbench.',
    );
  }
  return root;
}

export function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}
