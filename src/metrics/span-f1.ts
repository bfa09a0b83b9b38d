/** An entity as a half-open character range [start, end) of the untagged sentence, with its kind. */
export interface Span {
  start: number;
  end: number;
  kind: string;
}

/** True positives, false positives and false negatives of one sentence (multiset match on position and kind). */
export function matchSpans(predicted: readonly Span[], gold: readonly Span[]) {
  const key = (s: Span) => `${s.start}:${s.end}:${s.kind}`;
  const remaining = new Map<string, number>();
  for (const g of gold) remaining.set(key(g), (remaining.get(key(g)) ?? 0) + 1);
  let tp = 0;
  for (const p of predicted) {
    const left = remaining.get(key(p)) ?? 0;
    if (left > 0) {
      tp++;
      remaining.set(key(p), left - 1);
    }
  }
  return { tp, fp: predicted.length - tp, fn: gold.length - tp };
}
