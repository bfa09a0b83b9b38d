// The majority baseline (src/tasks/baselines.ts) answers as its definition — the most frequent gold of the other
// documents, ties to the first seen — for every document of any pool, while counting the pool once: a task file
// of 100,000 rows never finished its baseline when each document counted all the others.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goldOfDocument, majority } from '../src/tasks/baselines.js';
import type { Document } from '../src/tasks/types.js';

const doc = (gold: string, i: number): Document<string> => ({ id: String(i), text: '', fields: {}, gold });

/** The definition, word for word. */
function definition(d: Document<string>, pool: readonly Document<string>[]): string {
  const counts = new Map<string, number>();
  for (const o of pool) if (o !== d) counts.set(o.gold, (counts.get(o.gold) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = -1;
  for (const [v, c] of counts) if (c > bestCount) [best, bestCount] = [v, c];
  return best ?? d.gold;
}

describe('the majority of the other documents', () => {
  it('is the definition for every document of any pool, and for a document outside it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 12 }),
        fc.constantFrom('a', 'e'),
        (golds, outside) => {
          const pool = golds.map(doc);
          for (const d of [...pool, doc(outside, -1)])
            expect(majority(d, pool, goldOfDocument)).toBe(definition(d, pool));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts a pool once, not once per document', () => {
    const pool = Array.from({ length: 3000 }, (_, i) => doc(['urgent', 'soon', 'routine'][i % 3], i));
    let calls = 0;
    const gold = (d: Document<string>) => (calls++, d.gold);
    for (const d of pool) majority(d, pool, gold);
    expect(calls).toBeLessThanOrEqual(pool.length);
  });
});
