// Building blocks of the no-model baselines. Each leaves the document itself out of what it learns.
import type { Document } from './types.js';

/** What a pool's documents give `value`, counted once per (pool, value function): the baselines of n documents
 * cost O(n), not O(n²) (100,000 rows never finished). */
interface Tally<V> {
  /** Each document's place; -1 for one that is in the pool more than once. */
  index: Map<unknown, number>;
  values: V[];
  count: Map<V, number>;
  /** The first and second places of each value in the pool. */
  first: Map<V, number>;
  second: Map<V, number>;
  /** The two most frequent values (ties: the first seen). */
  top: V[];
}

const tallies = new WeakMap<readonly unknown[], WeakMap<(d: never) => unknown, Tally<unknown>>>();

function tallyOf<G, V>(pool: readonly Document<G>[], value: (d: Document<G>) => V): Tally<V> {
  let byFn = tallies.get(pool);
  if (!byFn) tallies.set(pool, (byFn = new WeakMap()));
  const cached = byFn.get(value);
  if (cached) return cached as Tally<V>;
  const t: Tally<V> = { index: new Map(), values: [], count: new Map(), first: new Map(), second: new Map(), top: [] };
  pool.forEach((d, i) => {
    t.index.set(d, t.index.has(d) ? -1 : i);
    const v = value(d);
    t.values.push(v);
    t.count.set(v, (t.count.get(v) ?? 0) + 1);
    if (!t.first.has(v)) t.first.set(v, i);
    else if (!t.second.has(v)) t.second.set(v, i);
  });
  t.top = [...t.count.keys()]
    .sort((a, b) => t.count.get(b)! - t.count.get(a)! || t.first.get(a)! - t.first.get(b)!)
    .slice(0, 2);
  byFn.set(value, t as Tally<unknown>);
  return t;
}

/**
 * The most frequent value among the other documents (ties: the first seen), `doc` left out by identity (every
 * time it occurs in the pool); a pool of nothing else gives the document's own value. `value` should be one
 * function kept across calls (its results are counted once per pool).
 */
export function majority<G, V>(doc: Document<G>, pool: readonly Document<G>[], value: (d: Document<G>) => V): V {
  const t = tallyOf(pool, value);
  const at = t.index.get(doc);
  // Not in the pool: nothing to leave out. In it twice: the definition (never met; kept right, not fast).
  if (at === undefined) return t.top.length ? t.top[0] : value(doc);
  if (at < 0) return majorityNaive(doc, pool, value);
  const own = t.values[at];
  // The best other value, and the document's own value counted without it; more documents win, then the earlier.
  const other = t.top.find((v) => v !== own && !(Number.isNaN(v) && Number.isNaN(own)));
  const ownCount = t.count.get(own)! - 1;
  const ownFirst = t.first.get(own) === at ? t.second.get(own) : t.first.get(own);
  if (other === undefined) return ownCount > 0 ? own : value(doc);
  const otherCount = t.count.get(other)!;
  if (ownCount > otherCount || (ownCount === otherCount && ownCount > 0 && ownFirst! < t.first.get(other)!)) return own;
  return other;
}

/** The definition, for a document that is not in the pool once: counts every other document. */
function majorityNaive<G, V>(doc: Document<G>, pool: readonly Document<G>[], value: (d: Document<G>) => V): V {
  const counts = new Map<V, number>();
  for (const d of pool) if (d !== doc) counts.set(value(d), (counts.get(value(d)) ?? 0) + 1);
  let best: V | undefined;
  let bestCount = -1;
  for (const [v, c] of counts) if (c > bestCount) [best, bestCount] = [v, c];
  return best ?? value(doc);
}

/** A document's gold: the value function of a majority of golds, one function for every call (it keys the tally). */
export const goldOfDocument = <G>(d: Document<G>): G => d.gold;

/** The pool's reference lengths (code points), summed once per (pool, reference function): `lead` of n documents is O(n). */
interface Lengths {
  /** Each document's place; -1 for one that is in the pool more than once. */
  index: Map<unknown, number>;
  lengths: number[];
  total: number;
}

const lengthSums = new WeakMap<readonly unknown[], WeakMap<(d: never) => string, Lengths>>();

function lengthsOf<G>(pool: readonly Document<G>[], referenceOf: (d: Document<G>) => string): Lengths {
  let byFn = lengthSums.get(pool);
  if (!byFn) lengthSums.set(pool, (byFn = new WeakMap()));
  const cached = byFn.get(referenceOf);
  if (cached) return cached;
  const l: Lengths = { index: new Map(), lengths: [], total: 0 };
  pool.forEach((d, i) => {
    l.index.set(d, l.index.has(d) ? -1 : i);
    const n = Array.from(referenceOf(d)).length;
    l.lengths.push(n);
    l.total += n;
  });
  byFn.set(referenceOf, l);
  return l;
}

/**
 * The opening of a text, as long as the other documents' references are on average (code points, rounded, at
 * least 1), `doc` left out by identity. `referenceOf` should be one function kept across calls (the lengths are
 * summed once per pool).
 */
export function lead<G>(
  doc: Document<G>,
  text: string,
  pool: readonly Document<G>[],
  referenceOf: (d: Document<G>) => string,
): string {
  const l = lengthsOf(pool, referenceOf);
  const at = l.index.get(doc);
  // In the pool twice: the definition (never met; kept right, not fast). Sums of whole numbers are exact.
  const [sum, count] =
    at === undefined
      ? [l.total, l.lengths.length]
      : at >= 0
        ? [l.total - l.lengths[at], l.lengths.length - 1]
        : pool.filter((d) => d !== doc).reduce(([s, c], d) => [s + Array.from(referenceOf(d)).length, c + 1], [0, 0]);
  const target = Math.max(1, Math.round(sum / Math.max(1, count)));
  return Array.from(text).slice(0, target).join('');
}

/** Names among `candidates` that occur in the text, longest first. */
export function namesInText(text: string, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)].filter((n) => n && text.includes(n)).sort((a, b) => b.length - a.length);
}
