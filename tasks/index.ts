// The registry: the paper's settings in Table 4's column order (TASKS), and the declared tasks beside them.
// Adding a built-in task touches one file here.
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
// The services load them once per environment (useTaskFiles); everything that looks tasks up sees them.
interface Declared {
  key: string;
  tasks: readonly Task[];
  problems: readonly TaskFileProblem[];
}
let declared: Declared = { key: '', tasks: [], problems: [] };


/**
 * Loads the task files `env` points at (JCB_TASKS, the packs) and makes them the declared tasks, unless the same
 * environment was loaded last. A file with problems is left out; its problems are kept for `jcb tasks`.
 */
export function useTaskFiles(env: NodeJS.ProcessEnv): Declared {
  const key = [env.JCB_TASKS, env.JCB_DATA_DIR, env.JCB_PACKS_DIR, env.JCB_HOME, packsFolder(env)].join('\u0000');
  if (declared.key !== key) {
    const loaded = loadTaskFiles(findTaskFiles(env, packsFolder(env)), env, TASK_IDS);
    declared = { key, ...loaded };
  }
  return declared;
}

/** The built-in settings, then the declared tasks in use. */
export function allTasks(): readonly Task[] {
  return declared.tasks.length ? [...TASKS, ...declared.tasks] : TASKS;
}

/** The problems of the task files in use (files left out of the registry). */
export function taskFileProblems(): readonly TaskFileProblem[] {
  return declared.problems;
}
