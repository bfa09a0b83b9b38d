// Honest scores: a score says how many documents it stands on. Nothing scored is no score (never 0.0),
// a score over fewer documents than planned carries n/planned and a mark, and a --limit run is marked,
// so that neither is ranked beside full runs without saying so; so is a run on every row where the paper's
// protocol takes fewer (--documents all, issue 22). Both faces show scores through here.
import { pct } from '../base/format.js';
import { documentSetOf } from '../tasks/documents.js';
import { TASKS, TASKS_BY_ID } from '../../tasks/index.js';

/** How much of its plan a run's score of one setting covers. */
export interface Coverage {
  /** Documents the score stands on: scored, and not left out of its means (ROUGE-L's empty outputs and non-answers). */
  n: number;
  /** Documents the run planned for the setting: those scored (left out or not) and those whose provider failed. */
  planned: number;
  /** The run's `--limit` (its first documents of each setting), null for a run over every document. */
  limit: number | null;
  /** The run took every row where the paper's documents are fewer or others (--documents all, or a run from before). */
  everyRow?: boolean;
}

/**
 * A run's stored score row (run_scores joined to runs) as coverage. With `task` and the run's `document_set`
 * (null: a run from before document sets), a setting whose documents were not the paper's is `everyRow`.
 */
export const coverageOf = (s: {
  n: number;
  failed: number;
  /** Of `n`, those the means left out (a stored row's `left_out`, an outcome's `leftOut`): the score does not stand on them. */
  left_out?: number | null;
  leftOut?: number;
  doc_limit?: number | null;
  task?: string;
  document_set?: string | null;
}): Coverage => {
  const task = s.task === undefined ? undefined : TASKS_BY_ID.get(s.task);
  const everyRow = task !== undefined && documentSetOf(task, s.document_set) === 'all';
  const n = s.n - (s.leftOut ?? s.left_out ?? 0);
  return { n, planned: s.n + s.failed, limit: s.doc_limit ?? null, ...(everyRow && { everyRow }) };
};

/** A stored run's score of one setting as coverage: the run's limit and document set with the score's counts. */
export const runCoverage = (
  score: { n: number; failed: number; task: string; leftOut?: number },
  run: { doc_limit: number | null; document_set?: string | null },
): Coverage => coverageOf({ ...score, doc_limit: run.doc_limit, document_set: run.document_set });

/** What the runs board, its charts and the digests say they show: the rule of standingRuns. */
export const STANDING_RULE =
  "latest finished run per model and setting: on the paper's documents, else on every row, else a --limit run";

/**
 * The run that stands for each model and setting on every board and digest (one rule, shared): of the finished
 * `scores` (store order, oldest first), the latest on the paper's documents, else the latest on every row
 * (--documents all), else the latest --limit run (shown ‡). Keyed `model\u0000task`.
 */
export function standingRuns<
  S extends { model: string; task: string; status: string; n: number; failed: number; doc_limit: number | null },
>(scores: readonly S[]): Map<string, S> {
  const standing = new Map<string, { s: S; rank: number }>();
  for (const s of scores) {
    if (s.status !== 'finished') continue;
    const coverage = coverageOf(s);
    const rank = coverage.limit !== null ? 0 : coverage.everyRow ? 1 : 2;
    const key = `${s.model}\u0000${s.task}`;
    if (rank >= (standing.get(key)?.rank ?? 0)) standing.set(key, { s, rank });
  }
  return new Map([...standing].map(([k, v]) => [k, v.s]));
}

/** The score to show and rank: null when no document was scored (the metrics of nothing are not 0). */
export const scoreOrNull = (score: number | null | undefined, c: Pick<Coverage, 'n'>): number | null =>
  score === null || score === undefined || c.n === 0 ? null : score;

/** Every planned document scored, over the whole setting: the only cells ranked with the paper's. */
export const isFull = (c: Coverage): boolean => c.n > 0 && c.n === c.planned && c.limit === null && !c.everyRow;

export const MARKS = { partial: '†', limited: '‡', everyRow: '§' } as const;

export const COVERAGE_LEGEND =
  `– nothing scored · ${MARKS.partial} n/planned: scored on fewer documents than planned (the others failed, or ` +
  `gave no answer: left out of a ROUGE-L mean, as the release did) · ` +
  `${MARKS.limited} a --limit run (its first documents only) · ` +
  `${MARKS.everyRow} every row of the release (--documents all), not the paper's documents`;

/**
 * What the paper's documents are where they are not every row, as legends say it: a ranked cell rests on these.
 * Says that the RE sample is jcb's own (the paper's two model groups were themselves scored on different samples).
 */
export const DOCUMENTS_LEGEND = `The paper's documents (ranked): ${TASKS.filter((t) => t.documentRule)
  .map((t) => `${t.label} ${t.documentRule}`)
  .join(
    '; ',
  )}. The RE sample is jcb's own: the paper's open models and its GPT models were scored on two other samples.`;

/**
 * A 0–1 score as both faces print it (×100, one decimal): `–` when nothing was scored, `20.0† 5/6` when
 * 5 of 6 planned documents were scored, `41.2‡` from a --limit run.
 */
export function showScore(score: number | null | undefined, c?: Coverage): string {
  const value = scoreOrNull(score, c ?? { n: 1 });
  if (value === null) return '–';
  const partial = c && c.n < c.planned ? `${MARKS.partial} ${c.n}/${c.planned}` : '';
  return `${pct(value)}${partial}${c?.limit != null ? MARKS.limited : ''}${c?.everyRow ? MARKS.everyRow : ''}`;
}
