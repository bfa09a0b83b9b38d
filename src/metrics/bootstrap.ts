// Uncertainty of a score: 95 % intervals by resampling documents (a fixed seed makes them repeatable),
// and the paired bootstrap for the difference between two models on the same documents.
/** Per-document numbers (a task's `DocScore`): the unit the bootstrap resamples. */
type DocScore = Record<string, number>;

/**
 * How a headline score is computed from documents: aggregate them, then take the headline number
 * (every task of `tasks/` has this shape; declared here so that metrics need not know what a task is).
 */
export interface HeadlineScorer<M> {
  aggregate(scores: readonly DocScore[]): M;
  headline(metrics: M): number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Coverage, 0.95 by default. */
  level?: number;
}

/** mulberry32: a small, fast, seedable generator (Math.random cannot be seeded). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

function resampleStats(n: number, statistic: (indices: Int32Array) => number, opts: BootstrapOptions): Interval {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const random = seededRandom(opts.seed ?? 1);
  const values: number[] = [];
  const indices = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    values.push(statistic(indices));
  }
  values.sort((a, b) => a - b);
  return { low: percentile(values, (1 - level) / 2), high: percentile(values, 1 - (1 - level) / 2) };
}

/** The interval of a task's headline score over its documents (aggregated as the task aggregates). */
export function scoreInterval<M>(
  task: HeadlineScorer<M>,
  docs: readonly DocScore[], opts: BootstrapOptions = {}): Interval | null {
  if (docs.length === 0) return null;
  return resampleStats(docs.length, (idx) => task.headline(task.aggregate(Array.from(idx, (i) => docs[i]))), opts);
}

export interface PairedComparison {
  a: number;
  b: number;
  /** a − b on the shared documents. */
  difference: number;
  interval: Interval;
  /** The interval excludes 0. */
  significant: boolean;
}

/** Paired bootstrap: the same resampled documents for both models, the interval of the difference. */
export function pairedBootstrap<M>(
  task: HeadlineScorer<M>,
  a: readonly DocScore[],
  b: readonly DocScore[],
  opts: BootstrapOptions = {},
): PairedComparison {
  const headline = (docs: readonly DocScore[]) => task.headline(task.aggregate(docs));
  const interval = resampleStats(
    a.length,
    (idx) => headline(Array.from(idx, (i) => a[i])) - headline(Array.from(idx, (i) => b[i])),
    opts,
  );
  const [sa, sb] = [headline(a), headline(b)];
  return { a: sa, b: sb, difference: sa - sb, interval, significant: interval.low > 0 || interval.high < 0 };
}
