// Where the J-ClinicalBench release lives, checked to be whole. It is read at run time and never shipped.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { releaseLocation } from './locate.js';
import { describeProblems, loadManifest, verifyRelease } from './manifest.js';

/** No release where jcb looks: the terminal fetches one into the per-user folder when none is configured. */
export class NoReleaseError extends UserError {
  constructor(
    message: string,
    hint: string,
    /** Whether the folder is jcb's own default (JCB_DATA_DIR unset), which `data pull` may fill. */
    readonly defaultFolder: boolean,
  ) {
    super(message, hint);
    this.name = 'NoReleaseError';
  }
}

/**
 * The release's root: JCB_DATA_DIR, else the per-user folder `jcb data pull` fills. Refused (UserError)
 * when a file of the manifest is missing or has another size (unless `refuseIfNotWhole` is false: `data check`); NoReleaseError when there is none at all.
 */
export function releaseRoot(env: NodeJS.ProcessEnv = process.env, refuseIfNotWhole = true): string {
  const { dir, configured } = releaseLocation(env);
  if (!existsSync(path.join(dir, 'data'))) {
    const where = configured
      ? `JCB_DATA_DIR=${env.JCB_DATA_DIR} has no data folder`
      : `JCB_DATA_DIR is not set and ${dir} holds none`;
    // Where it was looked for and what to set are the operator's (Slack: whom to ask).
    throw new NoReleaseError(
      `No J-ClinicalBench release found${operatorFix(`: ${where}`)}.`,
      operatorFix(
        `Set JCB_DATA_DIR to a copy of the release, or run \`npx jcb data pull\` to fetch it into ${releaseLocation({ ...env, JCB_DATA_DIR: '' }).dir}.`,
      ),
      !configured,
    );
  }
  if (!refuseIfNotWhole) return dir;
  const problem = describeProblems(verifyRelease(dir, loadManifest(env)));
  if (problem)
    throw new UserError(
      `The release is not whole: ${problem}.`,
      // Where it is and what to set are the operator's (a terminal's); Slack says whom to ask, as for no release.
      'Ask an admin to run `jcb data pull`.',
      {
        hint: configured
          ? `Point JCB_DATA_DIR (${dir}) at a whole copy, or run \`npx jcb data pull\` to replace it.`
          : `Run \`npx jcb data pull\` to replace the copy at ${dir}.`,
      },
    );
  return dir;
}

export function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}
