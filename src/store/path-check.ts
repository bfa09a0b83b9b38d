// The SQLite store's path, checked before a command does anything else: a path that cannot be an
// SQLite file is told in one line naming JCB_STORE, at once, instead of a hang (under /proc), a
// driver's code (EEXIST, EISDIR) or a temporary path of ours.
import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UserError } from '../base/errors.js';
import { storeLocation } from './store.js';

/** File systems that hold the kernel's views, never a file jcb could keep. */
const PSEUDO = ['/proc', '/sys'];

const statOf = (p: string): Stats | undefined => {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
};

const writable = (p: string): boolean => {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks that the SQLite store `env` names (JCB_STORE, else the default file) can be opened, and
 * creates its missing parent folders (as jcb does for every path it writes). Nothing to check with
 * DATABASE_URL. An existing file in a folder that cannot be written is accepted: it opens read-only.
 * Errors: UserError naming JCB_STORE, what is wrong and what would work.
 */
export function checkStorePath(env: NodeJS.ProcessEnv): void {
  const location = storeLocation(env);
  if (location.kind !== 'sqlite') return;
  const file = location.file;
  const named = env.JCB_STORE ? `JCB_STORE=${env.JCB_STORE}` : `The store ${file}`;
  const fail = (what: string, fix = 'Set JCB_STORE to a file in a folder you can write to, e.g. ~/jcb.sqlite.') => {
    throw new UserError(`${named} ${what}.`, fix);
  };
  const pseudo = PSEUDO.find((root) => file === root || file.startsWith(`${root}/`));
  if (pseudo) fail(`is under ${pseudo}, which holds the system's views, not files`);
  const stats = statOf(file);
  if (stats?.isDirectory()) fail('is a folder', `Name a file in it: JCB_STORE=${path.join(file, 'jcb.sqlite')}.`);
  if (stats && !stats.isFile()) fail('is not a regular file');
  if (stats) return;
  // The nearest existing folder above must be a folder, and writable to create the file (and parents).
  let above = path.dirname(file);
  while (!statOf(above) && path.dirname(above) !== above) above = path.dirname(above);
  if (!statOf(above)?.isDirectory()) fail(`lies under ${above}, which is a file, not a folder`);
  if (!writable(above)) fail(`cannot be created: ${above} is not writable`);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    fail(`cannot be created (${(err as { code?: string }).code ?? 'error'})`);
  }
}
