// The data policy (issue 33): which text of a task may go where. A task marked `private: true` (a hospital's
// own documents) may be sent only to an on-premises model, is never shown in Slack (ids, scores and marks only),
// and is written to a file only when asked with --include-private. The one place that decides; asked by the
// provider at every request (src/models/index.ts), the engine, the services before any work, the acts table
// (acts.ts) and every renderer and writer.
import { UserError } from '../base/errors.js';
import type { Task } from '../tasks/types.js';

/** Where a model runs: text sent to an `external` one leaves the hospital. */
export type DataPolicy = 'external' | 'on-premises';

/** A model as the policy reads it (a registry entry, src/models/registry.ts). */
export interface PolicyModel {
  alias: string;
  provider: string;
  dataPolicy?: DataPolicy;
}

/** The faces that show a task's text: a terminal (the operator's own machine) or Slack (a workspace's servers). */
export type Face = 'terminal' | 'slack';

/**
 * Where text sent to `model` goes. The OpenAI API is external whatever the file says; replays and the baseline
 * send nothing anywhere; an OpenAI-compatible server is what its entry says (default external).
 */
export function dataPolicyOf(model: PolicyModel): DataPolicy {
  if (model.provider === 'openai') return 'external';
  if (model.provider === 'openai-compatible') return model.dataPolicy ?? 'external';
  return 'on-premises';
}

/** Whether a task's documents, gold, outputs and thinking are private (its task file says `private: true`). */
export function isPrivate(task: Pick<Task, 'origin'> | undefined): boolean {
  return task?.origin?.private === true;
}

/** Whether `task`'s text may be sent to `model`: a private task only to an on-premises one. */
export function mayReceive(task: Pick<Task, 'origin'>, model: PolicyModel): boolean {
  return !isPrivate(task) || dataPolicyOf(model) === 'on-premises';
}

/** The refusal of a private task's text to an external model: one line, the same on every face. */
export class PrivateDataError extends UserError {
  constructor(task: string, model: string) {
    super(
      `${task} is private: its documents go only to on-premises models, and ${model} is external.`,
      'Use an on-premises model (`dataPolicy: on-premises`) or the baseline; `jcb doctor` lists those allowed.',
    );
    this.name = 'PrivateDataError';
  }
}

/**
 * Throws PrivateDataError unless every one of `tasks` may be sent to `model`. Asked before work (services) and
 * again at each request (the provider), so a registry changed in between cannot open a private task.
 */
export function requireMayReceive(tasks: readonly Pick<Task, 'id' | 'origin'>[], model: PolicyModel): void {
  const refused = tasks.find((t) => !mayReceive(t, model));
  if (refused) throw new PrivateDataError(refused.id, model.alias);
}

/** Whether a face may show `task`'s text (documents, gold, outputs, thinking): Slack never a private task's. */
export function mayShowText(task: Pick<Task, 'origin'> | undefined, face: Face): boolean {
  return face === 'terminal' || !isPrivate(task);
}

/**
 * The line Slack shows in place of a private task's text, with the terminal command that shows it
 * (`command`, e.g. `jcb run triage qwen-local t3`).
 */
export function privateTextLine(taskId: string, command: string): string {
  return `The text of ${taskId} is private: it is not shown here. In a terminal on the hospital's side: \`${command}\`.`;
}

/** The caption (or column value) every file holding a private task's text carries. */
export const PRIVATE_CAPTION = 'PRIVATE DATA: holds text of a private task (written with --include-private)';

/**
 * Throws unless a file about to be written (`option`: `-o`, `--log-samples`, `--dir`) may hold the text of
 * `tasks`: a private task's only with --include-private. Returns whether the file holds private text (then
 * it carries PRIVATE_CAPTION).
 */
export function requireMayWrite(
  tasks: readonly Pick<Task, 'id' | 'origin'>[],
  includePrivate: boolean | undefined,
  option: string,
): boolean {
  const first = tasks.find(isPrivate);
  if (first && !includePrivate)
    throw new UserError(
      `${first.id} is private: ${option} would write its text to a file.`,
      'Add --include-private to write it (the file says it holds private data), or leave out the option.',
    );
  return first !== undefined;
}

/**
 * The private tasks among `tasks`, and the models of `models` each may be sent to (for `jcb doctor`): the
 * on-premises ones and the baseline (replays answer only from released files, which a private task has not).
 */
export function privateTasks<M extends PolicyModel>(
  tasks: readonly Task[],
  models: readonly M[],
): { task: string; allowed: string[] }[] {
  return tasks
    .filter(isPrivate)
    .map((t) => ({
      task: t.id,
      allowed: models.filter((m) => m.provider !== 'replay' && mayReceive(t, m)).map((m) => m.alias),
    }));
}
