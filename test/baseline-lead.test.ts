// The lead baseline of text tasks (src/tasks/baselines.ts) answers as its definition — the text's opening, as long
// as the other documents' references are on average — for every document of any pool, while measuring the pool
// once: each document measured all the others (O(n²)), like the majority baseline before it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lead } from '../src/tasks/baselines.js';
import type { Document } from '../src/tasks/types.js';

const doc = (gold: string, i: number): Document<string> => ({
  id: String(i),
  text: `本文${i}🩺`.repeat(9),
  fields: {},
  gold,
});
const goldOf = (d: Document<string>) => d.gold;

/** The definition, word for word (the code before it was made linear). */
function definition(d: Document<string>, text: string, pool: readonly Document<string>[]): string {
  const lengths = pool.filter((o) => o !== d).map((o) => Array.from(o.gold).length);
  const target = Math.max(1, Math.round(lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length)));
  return Array.from(text).slice(0, target).join('');
}

describe('the lead of a text', () => {
  it('is the definition for every document of any pool, for a document outside it, and one in it twice', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 12 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.nat(11),
        (golds, outside, twice) => {
          const pool = golds.map(doc);
          if (pool.length) pool.push(pool[twice % pool.length]);
          for (const d of [...pool, doc(outside, -1)])
            expect(lead(d, d.text, pool, goldOf)).toBe(definition(d, d.text, pool));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('measures a pool once, not once per document', () => {
    const pool = Array.from({ length: 3000 }, (_, i) => doc('胸痛'.repeat(1 + (i % 7)), i));
    let calls = 0;
    const gold = (d: Document<string>) => (calls++, d.gold);
    for (const d of pool) lead(d, d.text, pool, gold);
    expect(calls).toBeLessThanOrEqual(pool.length);
  });
});
