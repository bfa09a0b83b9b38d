// The one rule for every path a command option names, applied before any work: a missing folder is created,
// anything that cannot be written (or read) is refused in one line naming the option.
import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmdirSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';
import { placeOf, realPlace } from './places.js';

/** What a command does with a path: writes a file there, writes into a folder there, reads it (a file or a tree), or reads a file. */
export type PathUse = 'file' | 'folder' | 'read' | 'read-file';

/** One path argument: the option as typed in usage (`-o`, `--dir`) and its value as given. */
export interface PathArgument {
  option: string;
  value: string;
  use: PathUse;
}

/** What `preparePaths` created, so that a command that then fails leaves no empty folder behind. */
export interface PreparedPaths {
  /** Removes the folders this check created, deepest first, if they are still empty. */
  undo(): void;
}

/** What would be right for a place that cannot be written: a file written may also be `-` (standard output). */
const WRITABLE: Record<'file' | 'folder', string> = {
  file: 'Choose a path in a folder you can write, or - for standard output.',
  folder: 'Choose a path in a folder you can write.',
};

/**
 * Node's error codes as the user's reason, the one table: `any` for any file or stream (`no space left on the
 * device`), `at(where)` for a write refused in the place `where` (`no space left in /mnt/x`); a write refused
 * with a code that has no `at` is said with its code.
 */
const CAUSES: Record<string, { any: string; at?: (where: string) => string }> = {
  ENOENT: { any: 'it does not exist', at: (w) => `${w} does not accept new files (a system folder)` },
  EACCES: { any: 'no permission', at: (w) => `no permission to write in ${w}` },
  EPERM: { any: 'no permission', at: (w) => `no permission to write in ${w}` },
  EISDIR: { any: 'it is a folder, not a file' },
  ENOTDIR: { any: 'a part of it is a file, not a folder', at: (w) => `a part of ${w} is a file, not a folder` },
  EROFS: { any: 'the file system is read-only', at: (w) => `${w} is on a read-only file system` },
  ENOSPC: { any: 'no space left on the device', at: (w) => `no space left in ${w}` },
  ENAMETOOLONG: {
    any: 'the name is too long for the system',
    at: () => 'the name is too long (the system takes up to 255 bytes a folder or file name, 4,096 in all)',
  },
  ELOOP: { any: 'its symbolic links go round in a loop', at: () => 'its symbolic links go round in a loop' },
  EMFILE: { any: 'too many files are open' },
  EINVAL: { any: 'the system does not take it (a system file?)' },
  EDQUOT: { any: 'the disk quota is used up' },
  EFBIG: { any: 'the file is too large for its file system' },
  EIO: { any: 'an input/output error of the device' },
  EBADF: { any: 'it is closed' },
};

/** Why the system refused a write in `where`, in words: CAUSES' `at`; a code without one, `<where> cannot be written (<code>)`. */
function reason(err: NodeJS.ErrnoException, where: string): string {
  const at = err.code ? CAUSES[err.code]?.at : undefined;
  return at ? at(where) : `${where} cannot be written (${err.code ?? err.message})`;
}

/** The most characters of a path an error repeats: a name too long for the system is cut in its middle. */
const PATH_ECHO_LIMIT = 240;

/** A path as an error shows it: on one line (control characters escaped), a name too long cut in the middle. */
export function shownPath(value: string): string {
  const oneLine = value.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  const points = Array.from(oneLine);
  if (points.length <= PATH_ECHO_LIMIT) return oneLine;
  const half = PATH_ECHO_LIMIT / 2;
  return `${points.slice(0, half).join('')}…${points.slice(-half).join('')}`;
}

function refuse(arg: PathArgument, why: string, hint = WRITABLE[arg.use === 'file' ? 'file' : 'folder']): UserError {
  return new UserError(`${arg.option} ${shownPath(arg.value)}: ${shownPath(why)}.`, hint);
}

/** A symbolic link whose target does not exist. */
function danglingLink(p: string): string | undefined {
  try {
    return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
  } catch {
    return undefined;
  }
}

function kindOf(p: string): 'file' | 'folder' | 'missing' | 'dangling' {
  try {
    return statSync(p).isDirectory() ? 'folder' : 'file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && danglingLink(p) !== undefined) return 'dangling';
    // Under a file (ENOTDIR): missing, so that the walk up meets that file and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw err;
  }
}

const dangles = (p: string) => `${p} is a link to ${danglingLink(p)}, which does not exist`;

/** The system's folders of views, not files: /proc and /sys, also when a link leads there. */
const SYSTEM = ['/proc', '/sys'];

/**
 * Refuses a path that leads by a link under /proc or /sys, or names a file there that exists, before anything is
 * opened there (a new path under /proc is refused where its folder cannot be created).
 */
function refuseSystem(arg: PathArgument, target: string, kind: string): void {
  const real = realPlace(target);
  if (real === target && kind === 'missing') return;
  const system = SYSTEM.find((s) => real === s || real.startsWith(`${s}/`));
  if (!system) return;
  const via = real === target ? '' : ` (it leads to ${real})`;
  throw refuse(arg, `${system} does not accept new files (a system folder)${via}`);
}

/**
 * Makes `dir` exist, one level at a time: Node's recursive mkdir never returns under /proc, so each missing
 * level is created on its own. Folders created are pushed onto `created`. @throws UserError naming `arg`
 */
function ensureFolder(arg: PathArgument, dir: string, created: string[]): void {
  const missing: string[] = [];
  let at = dir;
  while (kindOf(at) === 'missing' && path.dirname(at) !== at) {
    missing.unshift(at);
    at = path.dirname(at);
  }
  if (kindOf(at) === 'dangling') throw refuse(arg, dangles(at));
  if (kindOf(at) === 'file') throw refuse(arg, `${at} is a file, not a folder`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      throw refuse(
        arg,
        `cannot create the folder ${level}: ${reason(err as NodeJS.ErrnoException, path.dirname(level))}`,
      );
    }
    created.push(level);
  }
}

/** Creates and removes a file in `dir`: the only test of writing that holds for root and read-only mounts. */
function probeFolder(arg: PathArgument, dir: string): void {
  const probe = path.join(dir, `.jcb-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (err) {
    throw refuse(arg, reason(err as NodeJS.ErrnoException, dir));
  }
}

/** `checkOne`, with any refusal of the system (a name too long, a loop of links) said as the option's. */
function prepareOne(arg: PathArgument, created: string[]): void {
  try {
    checkOne(arg, created);
  } catch (err) {
    if (err instanceof UserError || !(err as NodeJS.ErrnoException).code) throw err;
    throw refuse(arg, reason(err as NodeJS.ErrnoException, arg.value));
  }
}

/** `-` for a file written: standard output, as Unix tools read it (src/cli/output.ts), no file checked. */
export const STANDARD_OUTPUT = '-';

/** What would be right for a path argument: a name of its kind, and `-` where a file is written. */
const NAME_HINT: Record<PathUse, string> = {
  file: 'Give a file name, or - for standard output.',
  folder: 'Give a folder name (./- for one called -).',
  read: 'Give a file or folder name (./- for one called -).',
  'read-file': 'Give a file name (./- for one called -).',
};

/** The separators of a path as typed: `/`, and on Windows `\\` too. */
const SEPARATOR = path.sep === '/' ? '/' : /[/\\]/;

/**
 * Whether a path as typed can only name a folder, whatever exists there: it ends in a separator (`out/`, `/`), or
 * its last part is `.` or `..` (`.`, `x/..`). path.resolve drops that ending, so the check is on the text.
 */
export function namesFolder(value: string): boolean {
  const parts = value.split(SEPARATOR);
  const last = parts.at(-1);
  return last === '.' || last === '..' || (parts.length > 1 && last === '');
}

function checkOne(arg: PathArgument, created: string[]): void {
  if (arg.value === STANDARD_OUTPUT) {
    if (arg.use === 'file') return;
    throw refuse(
      arg,
      `- is standard ${arg.use === 'folder' ? 'output' : 'input'}, not a place here`,
      NAME_HINT[arg.use],
    );
  }
  if (!arg.value.trim()) throw refuse(arg, 'an empty path', NAME_HINT[arg.use]);
  const target = path.resolve(arg.value);
  const kind = kindOf(target);
  if (arg.use === 'read' || arg.use === 'read-file') {
    if (kind === 'dangling') throw refuse(arg, dangles(target), 'Check the path.');
    if (kind === 'missing') throw refuse(arg, 'no such file or folder', 'Check the path.');
    if (kind === 'folder' && arg.use === 'read-file') throw refuse(arg, 'it is a folder', 'Give a file.');
    const system = kind === 'folder' && SYSTEM.find((d) => `${realPlace(target)}/`.startsWith(`${d}/`));
    if (system) throw refuse(arg, `${system} holds the system's views, not files of yours`, 'Check the path.');
    try {
      accessSync(target, constants.R_OK);
      if (kind === 'folder') readdirSync(target);
    } catch {
      throw refuse(arg, 'it cannot be read (no permission)', 'Check the path and its permissions.');
    }
    return;
  }
  if (kind === 'dangling') throw refuse(arg, dangles(target));
  refuseSystem(arg, target, kind);
  if (arg.use === 'file') {
    if (kind === 'folder' || namesFolder(arg.value)) throw refuse(arg, 'it names a folder, not a file', NAME_HINT.file);
    ensureFolder(arg, path.dirname(target), created);
    if (kind === 'file') {
      try {
        closeSync(openSync(target, 'r+')); // opened for writing, not truncated
      } catch (err) {
        throw refuse(arg, reason(err as NodeJS.ErrnoException, target));
      }
    } else probeFolder(arg, path.dirname(target));
    return;
  }
  if (kind === 'file') throw refuse(arg, 'it is a file; give a folder');
  ensureFolder(arg, target, created);
  probeFolder(arg, target);
}

/**
 * Two path arguments naming one place, one of them written (`eval -o x.json --log-samples x.json`, or a hard
 * link to it: the samples were overwritten without a word; `score x.json -o x.json`: the input), are refused.
 */
function refuseSamePlace(args: readonly PathArgument[]): void {
  const places = new Map(args.map((a) => [a, a.value === STANDARD_OUTPUT ? a.value : placeOf(a.value)]));
  const place = (a: PathArgument) => places.get(a);
  // An option as typed (`-o`); a positional by its command (`the path score reads`).
  const named = (a: PathArgument) =>
    a.option.startsWith('-') ? a.option : `the path ${a.option} ${a.use.startsWith('read') ? 'reads' : 'writes'}`;
  args.forEach((a, i) => {
    const b = args
      .slice(i + 1)
      .find((x) => !(a.use.startsWith('read') && x.use.startsWith('read')) && place(x) === place(a));
    if (b && place(a) !== undefined)
      throw new UserError(
        `${named(a)} and ${named(b)} name the same place, ${shownPath(a.value)}${b.value === a.value ? '' : ` (as ${shownPath(b.value)})`}.`,
        'Give each its own.',
      );
  });
}

/**
 * The one check of every path argument, before a command does any work. Missing folders are created (a file's
 * folder, or the folder itself); a path under /proc or /sys, under a file, a folder given as a file (or the
 * reverse), one without write permission, or (for `read`) one that does not exist is refused.
 * Synchronous and local: it never waits on anything but the file system.
 * @returns what was created, to undo if the command then fails.
 * @throws UserError `<option> <value>: <why>.` with what would be right.
 */
export function preparePaths(args: readonly PathArgument[]): PreparedPaths {
  const created: string[] = [];
  const undo = () => {
    for (const dir of created.reverse()) {
      try {
        rmdirSync(dir); // only an empty folder: anything the command wrote stays
      } catch {
        break;
      }
    }
    created.length = 0;
  };
  refuseSamePlace(args);
  try {
    for (const arg of args) prepareOne(arg, created);
  } catch (err) {
    undo();
    throw err;
  }
  return { undo };
}

const ACTIONS: Record<string, string> = {
  open: 'opened',
  read: 'read',
  scandir: 'listed',
  opendir: 'listed',
  stat: 'reached',
  lstat: 'reached',
  write: 'written',
  mkdir: 'created',
  rename: 'renamed',
  unlink: 'removed',
  rmdir: 'removed',
  copyfile: 'copied',
};

/** Node's error code of a file or stream as the user's reason (`no space left on the device`), if known. */
export const systemCause = (code: string | undefined): string | undefined => (code ? CAUSES[code]?.any : undefined);

/**
 * A file-system error met while a command works (a file inside a tree it reads, a registry it writes), in one
 * line naming the path (`file` where the error names none): `<path> cannot be listed: no permission`; undefined
 * for any other error.
 */
export function fileSystemError(err: unknown, file?: string): UserError | undefined {
  const e = err as NodeJS.ErrnoException;
  const where = e?.path ?? file; // readFileSync of a folder (EISDIR) names no path
  if (!(e instanceof Error) || typeof where !== 'string' || typeof e.code !== 'string') return undefined;
  const action = ACTIONS[e.syscall ?? ''] ?? 'used';
  return new UserError(
    `${shownPath(where)} cannot be ${action}: ${systemCause(e.code) ?? `the system refused (${e.code})`}.`,
  );
}
