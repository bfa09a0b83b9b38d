// The command `jcb export` prints to score what it wrote ("Re-score with: …"): one a user can paste into a
// fresh shell, in any folder (its paths are absolute: the user runs it where the export is, or anywhere else,
// never necessarily where jcb ran). `jcb score` finds a declared task's folder (generated/declared/<id>) only through the task's
// definition and data, so the command carries the variables this process found them by.
import path from 'node:path';
import { packLocation } from '../release/locate.js';

/**
 * `jcb score <root>` preceded by VAR=value for what the run's `tasks` (their TaskOrigin.source: `task file`,
 * `pack <name>`, `built-in`) were found by in `env`, every path absolute (resolved against this process's folder,
 * as jcb resolved them): JCB_TASKS (each of its paths) for a
 * task file's task; for a pack's task, the packs folder its data is in (JCB_PACKS_DIR, absolute; when the
 * environment moved it: JCB_PACKS_DIR, JCB_HOME or XDG_DATA_HOME set) and JCB_PACKS_TASKS when set.
 * Words are quoted for a POSIX shell. Without them a shell refused the export ("declared/<id>" is no setting folder).
 */
export function rescoreCommand(root: string, tasks: readonly { source: string }[], env: NodeJS.ProcessEnv): string {
  const vars: [string, string][] = [];
  if (env.JCB_TASKS && tasks.some((t) => t.source === 'task file'))
    vars.push(['JCB_TASKS', absoluteList(env.JCB_TASKS)]);
  if (tasks.some((t) => t.source.startsWith('pack '))) {
    if (env.JCB_PACKS_DIR || env.JCB_HOME || env.XDG_DATA_HOME)
      vars.push(['JCB_PACKS_DIR', path.dirname(packLocation('pack', env))]);
    if (env.JCB_PACKS_TASKS) vars.push(['JCB_PACKS_TASKS', path.resolve(env.JCB_PACKS_TASKS)]);
  }
  return [
    ...vars.map(([name, value]) => `${name}=${shellWord(value)}`),
    'jcb',
    'score',
    shellWord(path.resolve(root)),
  ].join(' ');
}

/** Each path of a PATH-like list made absolute; empty entries (ignored by findTaskFiles) left out. */
const absoluteList = (list: string) =>
  list
    .split(path.delimiter)
    .filter(Boolean)
    .map((p) => path.resolve(p))
    .join(path.delimiter);

/** `value` as one word of a POSIX shell: as is when plain, else single-quoted. */
const shellWord = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
