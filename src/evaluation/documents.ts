// Finding tasks and documents by what people type, with messages that say what would be right.
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import type { Task } from '../tasks/types.js';
import { allTasks, taskById, taskFileProblems } from '../../tasks/index.js';
import { problemLine } from '../tasks/task-file/load.js';
import { normalizeId } from '../tasks/prompt.js';
import { cutEcho, normalizeToken, unknownName } from '../base/suggest.js';

/**
 * A task by its id or its Table 4 label (`dc-tnm`, `DC-TMN`, `NER-Med`), case-insensitive, read after NFKC.
 * Declared tasks (task files) are found by their id and label too.
 * @throws UserError `Unknown task "x". Did you mean "y"?` listing the ids; a task file's first problem for its id.
 */
export function findTask(id: string): Task {
  const typed = normalizeToken(id).toLowerCase();
  const tasks = allTasks();
  const task = tasks.find((t) => t.id === typed) ?? tasks.find((t) => t.label.toLowerCase() === typed);
  if (!task) {
    const broken = taskFileProblems().find((p) => p.id === typed);
    if (broken)
      throw new UserError(`The task file of ${typed} has a problem: ${problemLine(broken, 'chat')}`, undefined, {
        hint: '`jcb tasks check <file>` lists every problem.',
      });
    const names = tasks.flatMap((t) => [t.id, t.label]);
    throw unknownName('task', id, names, `Tasks: ${tasks.map((t) => t.id).join(', ')}.`);
  }
  return task;
}

/**
 * Shown beside a stored run's task that is not declared now (a task file not loaded, moved or renamed); the variable
 * is the operator's fix (`operatorFixFor`: Slack says whom to ask, a terminal `: set JCB_TASKS`).
 */
export const UNLOADED_NOTE = `task file not loaded here${operatorFix(': set JCB_TASKS')}`;

/** A stored run's task by its stored id, or undefined for one not declared now (UNLOADED_NOTE). */
export function knownTask(id: string): Task | undefined {
  return taskById(id);
}

/**
 * Every stored task id of run `runId` as a Task, for what cannot go on without them (export).
 * @throws UserError naming the first task not declared now (in a terminal, JCB_TASKS: the variable to set).
 */
export function requireLoaded(runId: string, ids: readonly string[]): Task[] {
  const missing = ids.find((id) => !knownTask(id));
  if (missing)
    throw new UserError(
      `Run ${runId} holds task "${cutEcho(missing)}", whose task file is not loaded`,
      'Ask whoever runs jcb to load its task file.',
      { hint: 'Set JCB_TASKS to the folder that holds it.' },
    );
  return ids.map((id) => knownTask(id)!);
}

/** A document by its id, or by the start of one when that is unambiguous (`28-10` for `28-10-3fa2c1`). */
export function findDocument<D extends { id: string }>(docs: readonly D[], query: string, task: Task): D {
  const id = normalizeId(query);
  const exact = docs.find((d) => d.id === id);
  if (exact) return exact;
  const byPrefix = docs.filter((d) => d.id.startsWith(id));
  // One id, one document: a document listed twice (e.g. in two files of the release) is not ambiguous.
  const ids = [...new Set(byPrefix.map((d) => d.id))];
  if (ids.length === 1) return byPrefix[0];
  if (ids.length > 1) {
    throw new UserError(
      `Document id "${cutEcho(query)}" is ambiguous in ${task.id}: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}.`,
    );
  }
  const examples = docs.slice(0, 3).map((d) => d.id);
  throw new UserError(
    `No document "${cutEcho(query)}" in ${task.id}.`,
    `Ids look like: ${examples.join(', ')} (or use "random").`,
  );
}

/**
 * True when a gold answer has nothing to find: an empty list, blank text, a sentence without entities. A random
 * pick skips these documents (NER-D `66-24-6c587a` is only 【考察】); asked for by id they still run.
 */
export function nothingToFind(gold: unknown): boolean {
  if (Array.isArray(gold)) return gold.length === 0;
  if (typeof gold === 'string') return gold.trim() === '';
  const entities = (gold as { entities?: unknown } | null)?.entities;
  return Array.isArray(entities) && entities.length === 0;
}
