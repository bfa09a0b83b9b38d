// jsonForPeople (`--json`, `-o x.json`) tells stored failure text by its value, not by a list of field names: a
// string holding an operator's fix mark is rendered for the face at any key and depth (a field added later, an
// array's item), so no raw `{{fix:` marker and, for Slack, no operator's word ever leaves in JSON. Other strings
// are kept as they are. Generated over arbitrary JSON shapes (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Face, forPeople, jsonForPeople, operatorFix } from '../src/base/shown.js';

/** Keys read as failure text even unmarked (shown.ts FAILURE_KEYS); left out here so other strings stay as given. */
const FAILURE_KEYS = ['cause', 'firstFailure', 'error'];
const key = fc.string({ maxLength: 8 }).filter((k) => !FAILURE_KEYS.includes(k) && k !== '__proto__');
/** A failure as stored: words, then the operator's fix naming a variable. */
const failure = fc
  .tuple(fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Z]{3,8}$/))
  .map(([words, name]) => `the server failed ${words}${operatorFix(`: set JCB_${name} in models.yml`)}`);
const plain = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{{'));
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    failure,
    plain,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(key, tie('json'), { maxKeys: 4 }),
  ),
}));

/** `value` with each marked string as `face` shows it: what jsonForPeople must print. */
function shown(value: unknown, face: Face): unknown {
  if (typeof value === 'string') return value.includes('{{fix:') ? forPeople(value, face) : value;
  if (Array.isArray(value)) return value.map((v) => shown(v, face));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v, face)]));
  return value;
}

describe('jsonForPeople renders failure text by value', () => {
  it('a marked string at any key or depth is shown for the face; other strings are kept', () => {
    fc.assert(
      fc.property(json, (value) => {
        for (const face of ['chat', 'terminal'] as const) {
          const out = jsonForPeople(value, face);
          expect(out).not.toContain('{{fix:');
          expect(JSON.parse(out)).toEqual(shown(value, face));
          if (face === 'chat') expect(out).not.toMatch(/JCB_|models\.yml/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a field not named as failure text: Slack asks the operator, the terminal names the fix', () => {
    const value = { runs: [{ lastProblem: `queue stalled${operatorFix(': set JCB_WORKERS')}` }] };
    expect(JSON.parse(jsonForPeople(value, 'chat'))).toEqual({
      runs: [{ lastProblem: "queue stalled; ask the bot's operator" }],
    });
    expect(JSON.parse(jsonForPeople(value, 'terminal'))).toEqual({
      runs: [{ lastProblem: 'queue stalled: set JCB_WORKERS' }],
    });
  });
});
