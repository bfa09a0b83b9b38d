// How a live answer ended and what it used, as stored with its document.
import type { Generation } from '../models/provider.js';
import type { RunDocument } from '../store/store.js';

type UsageColumns = Pick<RunDocument, 'finish_reason' | 'incomplete' | 'cached_input_tokens' | 'reasoning_tokens'>;

export const NO_USAGE: UsageColumns = {
  finish_reason: null,
  incomplete: null,
  cached_input_tokens: null,
  reasoning_tokens: null,
};

export function usageColumns(g: Generation): UsageColumns {
  return {
    finish_reason: g.finishReason ?? null,
    incomplete: g.incomplete ?? null,
    cached_input_tokens: g.cachedInputTokens ?? null,
    reasoning_tokens: g.reasoningTokens ?? null,
  };
}

/**
 * The text a generation is scored on: a live non-answer (empty, truncated, filtered) is scored as the
 * release scores an empty output; every other output, replayed ones included, as it is.
 */
export const scoredText = (g: Generation): string => (g.incomplete ? '' : g.output);

/** Whether a stored document is settled: done with an answer. Failed and non-answers are asked again on resume. */
export const isSettled = (r: RunDocument): boolean => r.status === 'done' && r.incomplete === null;

/** How a run's live answers ended: counts per finish reason, and the non-answers still to be asked again. */
export function answersOf(rows: readonly RunDocument[]) {
  const answers: Record<string, number> = {};
  for (const r of rows) if (r.finish_reason) answers[r.finish_reason] = (answers[r.finish_reason] ?? 0) + 1;
  const incomplete = rows
    .filter((r) => r.status === 'done' && r.incomplete !== null)
    .map((r) => ({ task: r.task, doc: r.doc_id, why: r.incomplete! }));
  return { answers, incomplete };
}
