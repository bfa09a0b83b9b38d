// `jcb data pull`: a shallow clone of the public release, for users who have no copy.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { DEFAULT_PULL_DIR, RELEASE_REPOSITORY } from './data-dir.js';

/** `JCB_RELEASE_URL` points at a mirror (or, in tests, at nothing). */
export function pullRelease(dir = DEFAULT_PULL_DIR, env: NodeJS.ProcessEnv = process.env): string {
  const url = env.JCB_RELEASE_URL || `${RELEASE_REPOSITORY}.git`;
  const target = path.resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    if (existsSync(path.join(target, 'data', 'benchmarks'))) return target;
    throw new UserError(`${target} exists and is not empty.`, 'Choose another folder with --dir.');
  }
  const git = spawnSync('git', ['--version'], { encoding: 'utf8' });
  if (git.error) {
    throw new UserError(
      'git is not installed, and jcb fetches the release with it.',
      `Install git, or download ${RELEASE_REPOSITORY} as a zip, unpack it and set JCB_DATA_DIR to it.`,
    );
  }
  const clone = spawnSync('git', ['clone', '--depth', '1', url, target], {
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  if (clone.status !== 0) {
    const reason = (clone.stderr || '').trim().split('\n').pop() ?? '';
    const offline = /resolve host|unable to access|network|connect/i.test(reason);
    throw new UserError(
      `Could not fetch ${url}${offline ? ': the machine seems to be offline' : ''} (${reason || `git exited with ${clone.status}`}).`,
      'Copy the release from a machine that has it and set JCB_DATA_DIR to that folder.',
    );
  }
  return target;
}
