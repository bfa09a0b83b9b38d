// The registry: the one list of tasks, in Table 4's column order. Adding a task touches one file here.
import type { Task, TaskId } from '../src/tasks/types.js';
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

export const TASKS_BY_ID: ReadonlyMap<TaskId, Task> = new Map(TASKS.map((t) => [t.id, t]));
