// Untrusted text (documents, gold, model outputs) printed to a terminal shows its control characters instead of
// letting them act (an ESC sequence setting the window title or colours, a lone CR overwriting a line).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalText } from '../src/cli/terminal-text.js';
import { FIXTURE_ENV, runJcb } from './helpers.js';

/** A control that acts on a terminal: C0 but tab and LF (CR only before LF), DEL, C1. */
const ACTING = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;

describe('terminalText', () => {
  it('shows every acting control as a picture and keeps the rest of the text', () => {
    expect(terminalText('胸痛\x1b]0;PWNED\x07\x1b[31mRED')).toBe('胸痛␛]0;PWNED␇␛[31mRED');
    expect(terminalText('a\rb\r\nc\td\x7f\x9b')).toBe('a␍b\r\nc\td\\u007f\\u009b');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const shown = terminalText(s);
        expect(ACTING.test(shown)).toBe(false);
        if (!ACTING.test(s)) expect(shown).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves JSON valid and meaning the same (--json, --log-samples -)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        for (const v of [value, { text }]) {
          const json = JSON.stringify(v);
          expect(JSON.parse(terminalText(json))).toEqual(JSON.parse(json));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('`jcb run` of a task file whose document holds an ESC sequence prints no ESC', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-esc-'));
    writeFileSync(
      path.join(dir, 'triage.csv'),
      'id,note,urgency\nt1,胸痛\x1b]0;PWNED\x07\x1b[31mRED,urgent\nt2,咳,routine\n',
    );
    writeFileSync(
      path.join(dir, 'triage.yml'),
      [
        'id: triage',
        'title: Triage',
        'data: { file: triage.csv, id: id, input: note, gold: urgency }',
        'prompts:',
        '  zero: "緊急度: {{note}}"',
        'answer: { kind: label, reader: label, labels: [urgent, soon, routine] }',
        'metrics: [accuracy]',
      ].join('\n'),
    );
    const r = await runJcb(['run', 'triage', 'baseline', 't1'], {
      ...FIXTURE_ENV,
      JCB_TASKS: dir,
      JCB_STORE: path.join(dir, 'jcb.sqlite'),
    });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('胸痛␛]0;PWNED␇␛[31mRED');
    expect(r.out + r.err).not.toMatch(/\x1b/);
  });
});
