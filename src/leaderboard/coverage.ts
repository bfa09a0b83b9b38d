// Honest scores: a score says how many documents it stands on. Nothing scored is no score (never 0.0),
// a score over fewer documents than planned carries n/planned and a mark, and a --limit run is marked,
// so that neither is ranked beside full runs without saying so. Both faces show scores through here.
import { pct } from '../base/format.js';

/** How much of its plan a run's score of one setting covers. */
export interface Coverage {
  /** Documents scored. */
  n: number;
  /** Documents the run planned for the setting: those scored and those whose provider failed. */
  planned: number;
  /** The run's `--limit` (its first documents of each setting), null for a run over every document. */
  limit: number | null;
}

/** A run's stored score row (run_scores joined to runs) as coverage. */
export const coverageOf = (s: { n: number; failed: number; doc_limit?: number | null }): Coverage => ({
  n: s.n,
  planned: s.n + s.failed,
  limit: s.doc_limit ?? null,
});

/** The score to show and rank: null when no document was scored (the metrics of nothing are not 0). */
export const scoreOrNull = (score: number | null | undefined, c: Pick<Coverage, 'n'>): number | null =>
  score === null || score === undefined || c.n === 0 ? null : score;

/** Every planned document scored, over the whole setting: the only cells ranked with the paper's. */
export const isFull = (c: Coverage): boolean => c.n > 0 && c.n === c.planned && c.limit === null;

export const MARKS = { partial: '†', limited: '‡' } as const;

export const COVERAGE_LEGEND =
  `– nothing scored · ${MARKS.partial} n/planned: scored on fewer documents than planned (the others failed) · ` +
  `${MARKS.limited} a --limit run (its first documents only)`;

/**
 * A 0–1 score as both faces print it (×100, one decimal): `–` when nothing was scored, `20.0† 5/6` when
 * 5 of 6 planned documents were scored, `41.2‡` from a --limit run.
 */
export function showScore(score: number | null | undefined, c?: Coverage): string {
  const value = scoreOrNull(score, c ?? { n: 1 });
  if (value === null) return '–';
  const partial = c && c.n < c.planned ? `${MARKS.partial} ${c.n}/${c.planned}` : '';
  return `${pct(value)}${partial}${c?.limit != null ? MARKS.limited : ''}`;
}
