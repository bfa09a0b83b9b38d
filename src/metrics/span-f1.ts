/** An entity as a half-open character range [start, end) of the untagged sentence, with its kind. */
export interface Span {
  start: number;
  end: number;
  kind: string;
}

/**
 * Which predicted and which gold spans match (multiset match on position and kind, left to right):
 * `predicted[i]` / `gold[j]` true when matched. The one rule behind matchSpans' counts and the displays.
 */
export function alignSpans(predicted: readonly Span[], gold: readonly Span[]) {
  const key = (s: Span) => `${s.start}:${s.end}:${s.kind}`;
  const unmatched = new Map<string, number[]>();
  gold.forEach((g, j) => unmatched.set(key(g), [...(unmatched.get(key(g)) ?? []), j]));
  const goldMatched = gold.map(() => false);
  const predictedMatched = predicted.map((p) => {
    const j = unmatched.get(key(p))?.shift();
    if (j === undefined) return false;
    goldMatched[j] = true;
    return true;
  });
  return { predicted: predictedMatched, gold: goldMatched };
}

/** True positives, false positives and false negatives of one sentence (multiset match on position and kind). */
export function matchSpans(predicted: readonly Span[], gold: readonly Span[]) {
  const tp = alignSpans(predicted, gold).predicted.filter(Boolean).length;
  return { tp, fp: predicted.length - tp, fn: gold.length - tp };
}
