import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePointLength } from '../src/base/code-points.js';

// Strings of any UTF-16 units (lone surrogates too) and of whole code points (pairs: 𠮷, emoji).
const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((u) => String.fromCharCode(...u));
const mixed = fc
  .array(fc.constantFrom('a', '東', '𠮷', '😀', '\ud800', '\udc00', '<d>', '\n'), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('codePointLength', () => {
  it('equals Array.from(text.slice(from, to)).length on any range', () => {
    fc.assert(
      fc.property(fc.oneof(units, mixed), fc.nat(), fc.nat(), (text, a, b) => {
        const [from, to] = [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y);
        expect(codePointLength(text, from, to)).toBe(Array.from(text.slice(from, to)).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a pair once and lone surrogates once each', () => {
    expect(codePointLength('𠮷野家')).toBe(3);
    expect(codePointLength('\ud800\ud800\udc00\udc00')).toBe(3);
    expect(codePointLength('𠮷', 1)).toBe(1); // a range starting inside a pair: its low half is lone
  });
});
