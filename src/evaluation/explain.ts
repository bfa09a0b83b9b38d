// The explanation of a stored document (issue 30), for --log-samples and exports: the same task.explain that
// `jcb run` shows, over the output as the engine scored it.
import type { RunDocument } from '../store/store.js';
import type { Explanation } from '../tasks/explanation.js';
import type { Document, Parsed, ScoringContext, Task } from '../tasks/types.js';

/** Null for a document that failed (no output scored) or a task without an explanation. */
export async function explainStored(
  task: Task,
  row: RunDocument,
  document: Document<unknown> | undefined,
  scoring: ScoringContext,
): Promise<Explanation | null> {
  if (row.status !== 'done' || row.gold === null || !task.explain) return null;
  // A live non-answer is scored as an empty output (src/evaluation/answer.ts scoredText).
  const output = row.incomplete ? '' : (row.output ?? '');
  const parsed = task.parse(output) as Parsed<unknown>;
  return task.explain({ gold: JSON.parse(row.gold) as unknown, parsed, output, document }, scoring);
}
