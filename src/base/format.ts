// Numbers as both faces (terminal and Slack) show them.

/** A 0–1 score as the paper prints it: ×100, one decimal. */
export const pct = (x: number) => (x * 100).toFixed(1);

/**
 * The mark of usage figures jcb counted itself (the server sent none, or impossible ones), in both faces: put
 * before the figures of tokens and cost, and explained once by ESTIMATED_NOTE after them.
 */
export const ESTIMATED_MARK = '≈';
export const ESTIMATED_NOTE = `${ESTIMATED_MARK} counted by jcb: the server did not report all usage, or reported impossible figures`;

/** Usage figures, each marked when `estimated` (ESTIMATED_MARK). */
export interface ShownUsage {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
  estimated?: boolean;
}

/** A run's tokens as both faces show them: `≈10,675 prompt (≈0 cached), ≈40 output (≈0 reasoning)` when estimated. */
export function tokenFigures(u: ShownUsage): string {
  const m = u.estimated ? ESTIMATED_MARK : '';
  const n = (x: number) => `${m}${x.toLocaleString('en-US')}`;
  return `${n(u.input)} prompt (${n(u.cachedInput)} cached), ${n(u.output)} output (${n(u.reasoning)} reasoning)`;
}

/** A dollar figure marked as the tokens it is priced from (`≈$0.02`). */
export const markedCost = (u: ShownUsage, dollars: string) => `${u.estimated ? ESTIMATED_MARK : ''}${dollars}`;

/** The explanation of the mark, once after the figures: ` (≈ counted by jcb: …)`, or nothing. */
export const estimatedNote = (u: ShownUsage) => (u.estimated ? ` (${ESTIMATED_NOTE})` : '');

/** A change of score, signed: +1.3, -0.8. */
export const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${pct(x)}`;

/**
 * What a run stopped at its `--max-cost` says, in both faces: the limit and what was spent (US dollars),
 * documents done of those planned, and `resume`, the command that resumes it in that face.
 */
export function budgetStopped(
  maxCostUsd: number,
  spentUsd: number,
  done: number,
  planned: number | null | undefined,
  resume: string,
): string {
  return `stopped: --max-cost $${maxCostUsd} reached ($${spentUsd.toFixed(4)} spent), ${doneOf(done, planned)} done; resume with ${resume}`;
}

/** What a cancel did, in words both faces show: jobs removed, jobs that stop after their current document. */
export function cancelSummary(runId: string, removed: number, held: number): string {
  const jobs = (n: number) => `${n} waiting job${n === 1 ? '' : 's'}`;
  const running =
    held === 0
      ? 'nothing was being worked on'
      : held === 1
        ? 'the job being worked on stops after its current document'
        : `the ${held} jobs being worked on stop after their current document`;
  return `Evaluation ${runId} cancelled: ${jobs(removed)} removed; ${running}. Finished documents stay stored.`;
}

const LABELS: Record<string, string> = {
  f1: 'F1',
  total_tp: 'TP',
  total_fp: 'FP',
  total_fn: 'FN',
  t: 'T',
  n: 'N',
  m: 'M',
};

/**
 * A key of the release's results files as people read it: `_precision` → "precision" (the leading
 * underscore would also turn Slack's text italic), `f1` → "F1", DC-TNM's factors `t`, `n`, `m` → "T", "N", "M".
 */
export const metricLabel = (key: string) => LABELS[key.replace(/^_+/, '')] ?? key.replace(/^_+/, '');

/**
 * Metrics (the release's keys and 0–1 values, nested one level for DC-TNM) as one line of text:
 * "precision 50.0 · recall 25.0 · F1 33.3", scores ×100 with one decimal, counts (`total_*`) as they are.
 * `bold` marks the numbers (Slack: `*…*`). JSON, `score` and exports keep the release's values and keys.
 */
/** Keys that hold counts, shown as they are: the release's `total_*`, an exam's points (task files). */
const COUNTS = /^total_|^points$|^points-possible$/;

/**
 * `m` with the key the headline metric is named by (`f1` for "F1", `accuracy`) first, so that a line of metrics
 * starts with the number the headline shows (RE's `accuracy` comes first in the release's files).
 */
export function headlineFirst<M extends Record<string, unknown>>(m: M, metric: string): M {
  const key = Object.keys(m).find((k) => metricLabel(k) === metric);
  return key ? ({ [key]: m[key], ...m } as M) : m;
}

export function metricsText(
  m: Record<string, number | Record<string, number>>,
  bold = (s: string) => s,
  prefix = '',
): string {
  return Object.entries(m)
    .map(([k, v]) =>
      typeof v === 'number'
        ? `${prefix}${metricLabel(k)} ${bold(COUNTS.test(k) ? String(v) : pct(v))}`
        : metricsText(v, bold, `${prefix}${metricLabel(k)} `),
    )
    .join(' · ');
}

export const duration = (ms: number) => (ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** A count as the progress shows it: a whole number ≥ 0 whatever comes (NaN, negative, a fraction). */
const whole = (n: number | null | undefined) =>
  typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;

/**
 * A progress bar of done and failed documents out of the planned ones, in the given characters, always `width`
 * marks: with more settled than planned (or no plan, or none), out of those settled, full and never past its end.
 */
export function progressBar(
  done: number,
  failed: number,
  planned: number | null | undefined,
  marks = { done: '#', failed: 'x', left: '.' },
  width = 20,
): string {
  const w = whole(width);
  const total = Math.max(whole(planned), whole(done) + whole(failed));
  const d = total ? Math.min(w, Math.round((whole(done) / total) * w)) : 0;
  const f = total ? Math.min(w - d, Math.round((whole(failed) / total) * w)) : 0;
  return `${marks.done.repeat(d)}${marks.failed.repeat(f)}${marks.left.repeat(w - d - f)}`;
}

/** `3 of 40`, `3 of ?` (the plan not known), `5 of 3 (2 more than planned)`: in the lines of a stopped run. */
export function doneOf(done: number, planned: number | null | undefined): string {
  return settledOf(done, 0, planned).replace('/', ' of ');
}

/**
 * Documents settled (done and failed) of those planned, as both faces show it: `12/40`, `3/?` when the plan is
 * not known, `5/3 (2 more than planned)` when a run stored more than it planned.
 */
export function settledOf(done: number, failed: number, planned: number | null | undefined): string {
  const settled = whole(done) + whole(failed);
  if (planned === null || planned === undefined || !Number.isFinite(planned)) return `${settled}/?`;
  const p = whole(planned);
  return settled > p ? `${settled}/${p} (${settled - p} more than planned)` : `${settled}/${p}`;
}

/** The marks of gold against output, the same in Slack and the terminal (readable without colour). */
/** How a gold or predicted item fares against the other side: the ✓ ✗ + of threads and `jcb run`. */
export type Mark = 'matched' | 'missed' | 'extra';

export const MARKS: Record<Mark, string> = { matched: '✓', missed: '✗', extra: '+' };
export const MARKS_LEGEND = '✓ matched · ✗ missed (gold only) · + extra (output only)';
