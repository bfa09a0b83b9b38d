// `jcb data pull`: fetches the release with git into a hidden folder beside its place, checks it against
// the manifest, and only then renames it into place, so an interrupted or partial pull leaves nothing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../base/errors.js';
import { releaseLocation } from './locate.js';
import { describeProblems, loadManifest, verifyRelease } from './manifest.js';

export const RELEASE_REPOSITORY = 'https://github.com/seiji-shimizu/J-ClinicalBench-release';
/** The upstream commit the manifest was built from (spec: platform.md, "The release as a download"). */
export const PINNED_COMMIT = 'f7ea47a3ba39b8add6096f542054a0c0d814e8f7';

export interface PullResult {
  dir: string;
  files: number;
  /** False when a whole release was already there and nothing was fetched. */
  fetched: boolean;
}

/**
 * Runs git, passing its progress lines to `progress`; resolves with its exit code and the reason it gave: its
 * first error line (`fatal: '/x.git' does not appear to be a git repository`, not the advice git adds after it,
 * "…and the repository exists."), else its last stderr line.
 */
function git(args: string[], progress: (text: string) => void, onChild: (child: ChildProcess) => void) {
  return new Promise<{ code: number | null; last: string }>((resolve) => {
    const child = spawn('git', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      // Its own process group: an interrupted pull stops git and the helpers it starts (index-pack) at once.
      detached: true,
    });
    onChild(child);
    let last = '';
    let firstError = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Progress is shown as git writes it; its errors are reported once, in jcb's own line.
      const shown = chunk.replace(ERROR_LINE, '');
      if (shown) progress(shown);
      const lines = chunk.split(/[\r\n]+/).filter((l) => l.trim());
      if (lines.length) last = lines[lines.length - 1];
      firstError ||= chunk.match(ERROR_LINE)?.[0] ?? '';
    });
    child.on('error', () => resolve({ code: -1, last: 'git could not be started' }));
    child.on('close', (code) =>
      resolve({ code, last: (firstError || last).replace(/^(remote: )?(fatal|error|remote error):\s*/i, '').trim() }),
    );
  });
}

/** A line in which git says what failed. */
const ERROR_LINE = /^(fatal|error|remote: fatal|remote error):.*$\n?/gim;

/** A failed fetch of `what` (`the release`): named by what it is, not its URL (the hint names the variable). */
function fetchFailure(what: string, reason: string, hint: string): UserError {
  const offline = /resolve host|unable to access|network|connect|timed out/i.test(reason);
  return new UserError(
    `Could not fetch ${what}${offline ? ': the machine seems to be offline' : ''} (git: ${reason || 'no reason given'}).`,
    hint,
  );
}

/** A file `data pull` leaves in the folders it fills: only those may it replace. */
const PULLED_MARKER = '.jcb-pulled';

/**
 * Fetches the release into `dir` (default: JCB_DATA_DIR, else the per-user folder) from JCB_RELEASE_URL
 * (default: the public repository) at JCB_RELEASE_REF (default: the pinned commit, else the default
 * branch when the remote lacks it). A whole release already there is kept; a partial one is replaced only if jcb fetched it.
 * Errors: UserError when git is missing, the fetch fails, or what was fetched does not match the manifest.
 */
export async function pullRelease(
  dir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  progress: (text: string) => void = () => {},
): Promise<PullResult> {
  const manifest = loadManifest(env);
  return pullRepository(
    {
      what: 'the release',
      target: dir ? path.resolve(dir) : releaseLocation(env).dir,
      url: env.JCB_RELEASE_URL || `${RELEASE_REPOSITORY}.git`,
      ref: env.JCB_RELEASE_REF || PINNED_COMMIT,
      pinned: !env.JCB_RELEASE_REF,
      files: manifest.files.length,
      problem: (root, hash) => describeProblems(verifyRelease(root, manifest, hash)),
      isOurs: (root) => existsSync(path.join(root, 'data')) || existsSync(path.join(root, 'results')),
      again: 'jcb data pull',
      urlHint: 'Point JCB_RELEASE_URL (and JCB_RELEASE_REF) at a copy of the published release.',
      offlineHint: 'Check JCB_RELEASE_URL, or copy the release from a machine that has it and set JCB_DATA_DIR to that folder.',
      download: `download ${RELEASE_REPOSITORY} as a zip, unpack it and set JCB_DATA_DIR to it`,
    },
    progress,
  );
}

/** What to fetch, where, and how to tell that what arrived is whole. */
export interface RepositoryPull {
  /** `the release`, `the jmed-llm pack`: in messages. */
  what: string;
  target: string;
  url: string;
  ref: string;
  /** The ref is jcb's pinned commit (not one the user chose): a mirror without it is fetched at its HEAD. */
  pinned: boolean;
  files: number;
  /** One line naming the files missing or altered under `root`, or undefined when whole. */
  problem(root: string, hash: boolean): string | undefined;
  /** Whether a non-empty `root` holds this kind of data at all (else it is someone else's folder). */
  isOurs(root: string): boolean;
  /** The command that fetches again, for messages. */
  again: string;
  urlHint: string;
  offlineHint: string;
  /** What to do without git. */
  download: string;
}

/**
 * Fetches `spec.url` at `spec.ref` with git into a hidden folder beside `spec.target`, checks it (sizes and
 * SHA-256) and only then renames it into place. A whole copy already there is kept; a partial one is replaced
 * only if jcb fetched it. Errors: UserError when git is missing, the fetch fails, or the files do not match.
 */
export async function pullRepository(spec: RepositoryPull, progress: (text: string) => void): Promise<PullResult> {
  const { target } = spec;
  const present = existsSync(target) && readdirSync(target).length > 0;
  if (present) {
    if (!spec.isOurs(target)) throw new UserError(`${target} exists and is not empty.`, 'Choose another folder with --dir.');
    if (!spec.problem(target, true)) return { dir: target, files: spec.files, fetched: false };
    // Only a folder jcb fetched itself is ever replaced: a hand-made copy is someone's data.
    if (!existsSync(path.join(target, PULLED_MARKER)))
      throw new UserError(
        `${target} holds ${spec.what} but not whole, and jcb did not fetch it, so it will not replace it.`,
        `Move that folder away (or repair it from the published copy), then run \`${spec.again}\` again.`,
      );
  }
  if (spawnSync('git', ['--version']).error) {
    throw new UserError(`git is not installed, and jcb fetches ${spec.what} with it.`, `Install git, or ${spec.download}.`);
  }
  const { url } = spec;
  const parent = path.dirname(target);
  const base = path.basename(target);
  mkdirSync(parent, { recursive: true });
  // Leftovers of a pull that was killed outright (SIGKILL, power loss) are never in place: remove them.
  for (const old of readdirSync(parent).filter((f) => f.startsWith(`.${base}.pull-`)))
    rmSync(path.join(parent, old), { recursive: true, force: true });
  const tmp = mkdtempSync(path.join(parent, `.${base}.pull-`));
  let current: ChildProcess | undefined;
  // Interrupted: git is stopped first, so that it writes nothing more into the folder being removed.
  const abandon = () => {
    const finish = () => {
      rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    };
    if (current?.pid && current.exitCode === null && current.signalCode === null) {
      current.once('exit', finish);
      process.kill(-current.pid, 'SIGKILL');
    } else finish();
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  try {
    const run = (args: string[]) => git(['-C', tmp, ...args], progress, (c) => (current = c));
    await run(['init', '-q']);
    let fetched = await run(['fetch', '--depth', '1', '--progress', url, spec.ref]);
    if (fetched.code !== 0 && spec.pinned && !/repository|unable to access|resolve|connect/i.test(fetched.last))
      fetched = await run(['fetch', '--depth', '1', '--progress', url, 'HEAD']); // a mirror without the pinned commit
    if (fetched.code !== 0) throw fetchFailure(spec.what, fetched.last, spec.offlineHint);
    const checkout = await run(['checkout', '-q', 'FETCH_HEAD']);
    if (checkout.code !== 0) throw new UserError(`Could not check out ${spec.what} (git: ${checkout.last}).`);
    rmSync(path.join(tmp, '.git'), { recursive: true, force: true });
    const problem = spec.problem(tmp, true);
    if (problem)
      throw new UserError(`${capitalized(spec.what)} just fetched is not the one jcb scores: ${problem}.`, spec.urlHint);
    writeFileSync(path.join(tmp, PULLED_MARKER), `${url}\n`);
    if (present) {
      const old = `${tmp}-old`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, target);
    return { dir: target, files: spec.files, fetched: true };
  } finally {
    process.off('SIGINT', abandon);
    process.off('SIGTERM', abandon);
    rmSync(tmp, { recursive: true, force: true });
  }
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
