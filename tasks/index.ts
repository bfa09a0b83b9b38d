// The registry: the paper's settings in Table 4's column order (TASKS), and the declared tasks beside them.
// Adding a built-in task touches one file here.
import { filesStamp } from '../src/base/stamp.js';
import { packsFolder } from '../src/release/packs.js';
import { findTaskFiles, loadTaskFiles, type TaskFileProblem } from '../src/tasks/task-file/load.js';
import { TASK_IDS, type Task } from '../src/tasks/types.js';
import examqa from './examqa.js';
import cca from './cca.js';
import mr from './mr.js';
import hsPn from './hs-pn.js';
import hsDs from './hs-ds.js';
import irs from './irs.js';
import cts from './cts.js';
import nerD from './ner-d.js';
import nerMed from './ner-med.js';
import reEnt from './re-ent.js';
import reTime from './re-time.js';
import dcTnm from './dc-tnm.js';
import dcAde from './dc-ade.js';

export const TASKS: readonly Task[] = [
  examqa,
  cca,
  mr,
  hsPn,
  hsDs,
  irs,
  cts,
  nerD,
  nerMed,
  reEnt,
  reTime,
  dcTnm,
  dcAde,
];

export const TASKS_BY_ID: ReadonlyMap<string, Task> = new Map(TASKS.map((t) => [t.id, t]));

// Declared tasks (task files), loaded beside the built-in ones: JCB_TASKS's folders, then jcb's own packs/.
// The services mark them to be looked at before each request (useTaskFiles); they are read when a task beyond the
// built-in ones is first asked for (allTasks, taskById of another id, taskFileProblems): scoring the release's
// files needs none, and reading them (YAML, the packs' data) was ~0.5 s of such a command (issue 28).
interface Declared {
  /** The environment and the task files found (a file added or removed changes it). */
  key: string;
  /** What the last load read or looked for, and their stamp then (a file edited or pulled changes it). */
  inputs: readonly string[];
  stamp: string;
  tasks: readonly Task[];
  problems: readonly TaskFileProblem[];
}
let declared: Declared = { key: '', inputs: [], stamp: '', tasks: [], problems: [] };
/** The environment whose task files are to be looked at before a declared task is next used. */
let pending: NodeJS.ProcessEnv | undefined;

/**
 * Marks the task files `env` points at (JCB_TASKS, the packs) to be looked at when a declared task or the files'
 * problems are next asked for. They are loaded then, unless the same files were loaded last and none of what
 * they read changed since (a task file, its pack's manifest, its prompts and data, a pulled folder): a
 * long-running bot sees an edit, a new or removed file or `jcb packs pull` on its next request. Costs a folder
 * listing and a stat per input when nothing changed. A file with problems is left out; its problems are kept for
 * `jcb tasks`.
 */
export function useTaskFiles(env: NodeJS.ProcessEnv): void {
  pending = env;
}

/** The declared tasks, the task files looked at first if useTaskFiles asked for it since. */
function current(): Declared {
  const env = pending;
  if (!env) return declared;
  pending = undefined;
  const packs = packsFolder(env);
  const found = findTaskFiles(env, packs);
  const key = JSON.stringify([env.JCB_TASKS, env.JCB_DATA_DIR, env.JCB_PACKS_DIR, env.JCB_HOME, packs, found]);
  if (declared.key !== key || filesStamp(declared.inputs) !== declared.stamp) {
    const loaded = loadTaskFiles(found, env, TASK_IDS);
    // Stamped after the load: a file rewritten in place during these milliseconds would be kept as read until
    // its next change (pulls and most editors replace files whole, by a rename).
    declared = { key, stamp: filesStamp(loaded.inputs), ...loaded };
  }
  return declared;
}

/** The built-in settings, then the declared tasks in use. */
export function allTasks(): readonly Task[] {
  const { tasks } = current();
  return tasks.length ? [...TASKS, ...tasks] : TASKS;
}

/**
 * The built-in settings, then the declared tasks as last loaded, without looking at the task files: every task
 * a request can have reached so far (a declared task is reached through allTasks or taskById, which look).
 */
export function loadedTasks(): readonly Task[] {
  return declared.tasks.length ? [...TASKS, ...declared.tasks] : TASKS;
}

/** The task of id `id` (exactly), the task files looked at only for an id that is not a built-in one. */
export function taskById(id: string): Task | undefined {
  return TASKS_BY_ID.get(id) ?? allTasks().find((t) => t.id === id);
}

/** The problems of the task files in use (files left out of the registry). */
export function taskFileProblems(): readonly TaskFileProblem[] {
  return current().problems;
}
