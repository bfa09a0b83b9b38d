// The display-only LCS alignment (bold tokens in ROUGE-L views): which tokens one LCS uses, and the text cut
// into marked and unmarked pieces. Expected values worked out by hand.
import { describe, expect, it } from 'vitest';
import { lcsTokensOfA, markTokens } from '../src/metrics/lcs-alignment.js';
import { lcsLength } from '../src/metrics/rouge-l.js';
import { seededRandom } from '../src/metrics/bootstrap.js';

describe('lcsTokensOfA', () => {
  it('flags the tokens of a that one longest common subsequence uses', () => {
    expect(lcsTokensOfA(['x', 'a', 'b'], ['a', 'b'])).toEqual([false, true, true]);
    expect(lcsTokensOfA(['a', 'b', 'c', 'd'], ['b', 'd'])).toEqual([false, true, false, true]);
    expect(lcsTokensOfA(['a', 'b'], ['a', 'b'])).toEqual([true, true]);
  });

  it('breaks ties by skipping a token of a first, so the later of two equal choices is taken', () => {
    // a = [a, b], b = [b, a]: both [a] and [b] are longest; skipping a[0] first reaches b.
    expect(lcsTokensOfA(['a', 'b'], ['b', 'a'])).toEqual([false, true]);
    // Skipping b's token instead would align a[0] with b[1].
    expect(lcsTokensOfA(['a', 'c', 'b'], ['b', 'a'])).toEqual([false, false, true]);
  });

  it('flags nothing when either side is empty or nothing is shared', () => {
    expect(lcsTokensOfA([], ['a'])).toEqual([]);
    expect(lcsTokensOfA(['a', 'b'], [])).toEqual([false, false]);
    expect(lcsTokensOfA(['a', 'b'], ['c', 'd'])).toEqual([false, false]);
  });

  it('takes a match as soon as it is found, and uses each token of b once', () => {
    expect(lcsTokensOfA(['a', 'a', 'a'], ['a'])).toEqual([true, false, false]);
    expect(lcsTokensOfA(['a', 'a', 'a'], ['a', 'a'])).toEqual([true, true, false]);
  });

  it('flags as many tokens as the LCS is long, in order, on random pairs', () => {
    const random = seededRandom(7);
    const word = () => 'abcd'[Math.floor(random() * 4)];
    for (let n = 0; n < 60; n++) {
      const a = Array.from({ length: Math.floor(random() * 12) }, word);
      const b = Array.from({ length: Math.floor(random() * 12) }, word);
      const flags = lcsTokensOfA(a, b);
      expect(flags).toHaveLength(a.length);
      const used = a.filter((_, i) => flags[i]);
      expect(used.length).toBe(lcsLength(a, b));
      // The flagged tokens are a subsequence of b.
      let j = 0;
      for (const t of used) {
        while (j < b.length && b[j] !== t) j++;
        expect(j).toBeLessThan(b.length);
        j++;
      }
    }
  });
});

describe('markTokens', () => {
  it('cuts the text into tokens and the text between them, joining neighbours of one kind', () => {
    expect(markTokens('abc def', ['abc', 'def'], [true, false])).toEqual([
      { text: 'abc', marked: true },
      { text: ' def', marked: false },
    ]);
    expect(markTokens('ab', ['a', 'b'], [true, true])).toEqual([{ text: 'ab', marked: true }]);
    expect(markTokens(' x y ', ['x', 'y'], [true, true])).toEqual([
      { text: ' ', marked: false },
      { text: 'x', marked: true },
      { text: ' ', marked: false },
      { text: 'y', marked: true },
      { text: ' ', marked: false },
    ]);
  });

  it('looks tokens up left to right from the end of the previous one', () => {
    // The second "a" is the one after "b", not the first character again.
    expect(markTokens('aba', ['a', 'b', 'a'], [false, false, true])).toEqual([
      { text: 'ab', marked: false },
      { text: 'a', marked: true },
    ]);
  });

  it('leaves a token that is not found unmarked and goes on with the next', () => {
    expect(markTokens('a c', ['a', 'zz', 'c'], [true, true, true])).toEqual([
      { text: 'a', marked: true },
      { text: ' ', marked: false },
      { text: 'c', marked: true },
    ]);
    expect(markTokens('', ['a'], [true])).toEqual([]);
    expect(markTokens('plain', [], [])).toEqual([{ text: 'plain', marked: false }]);
  });
});
