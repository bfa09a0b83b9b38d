// Building blocks of the no-model baselines. Each leaves the document itself out of what it learns.
import type { Document } from './types.js';

/** The most frequent value among the other documents (ties: the first seen). */
export function majority<G, V>(doc: Document<G>, pool: readonly Document<G>[], value: (d: Document<G>) => V): V {
  const counts = new Map<V, number>();
  for (const d of pool) if (d !== doc) counts.set(value(d), (counts.get(value(d)) ?? 0) + 1);
  let best: V | undefined;
  let bestCount = -1;
  for (const [v, c] of counts) if (c > bestCount) [best, bestCount] = [v, c];
  return best ?? value(doc);
}

/** The opening of a text, as long as the other documents' references are on average. */
export function lead<G>(
  doc: Document<G>,
  text: string,
  pool: readonly Document<G>[],
  referenceOf: (d: Document<G>) => string,
): string {
  const lengths = pool.filter((d) => d !== doc).map((d) => Array.from(referenceOf(d)).length);
  const target = Math.max(1, Math.round(lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length)));
  return Array.from(text).slice(0, target).join('');
}

/** Names among `candidates` that occur in the text, longest first. */
export function namesInText(text: string, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)].filter((n) => n && text.includes(n)).sort((a, b) => b.length - a.length);
}
