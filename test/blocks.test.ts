// Block Kit builders are pure: checked here against Slack's limits without Slack.
import { describe, expect, it } from 'vitest';
import { runParent, runReplies, decodeRef, encodeRef } from '../handlers/blocks/run.js';
import { cut, LIMITS } from '../handlers/blocks/text.js';
import { metricsText } from '../src/format.js';
import { createServices, type RunResult } from '../src/services.js';
import { FIXTURE_RELEASE, freshStore, inThreadTokenizer } from './helpers.js';

const long = 'あ'.repeat(10_000);
const result: RunResult = {
  task: { id: 'hs-pn', label: 'HS-PN', title: 'Hospitalization summary', metric: 'ROUGE-L' },
  model: { alias: 'gpt-4o', label: 'GPT-4o', provider: 'replay' },
  shot: 'one',
  document: { id: '02_脾損傷', text: long },
  gold: long,
  output: long,
  parse: { ok: true, shown: long },
  comparison: { kind: 'texts', gold: long, output: long },
  metrics: { precision: 0.5, recall: 0.25, f1: 1 / 3 },
  score: 1 / 3,
};

function* texts(value: unknown): Generator<{ key: string; text: string }> {
  if (Array.isArray(value)) for (const v of value) yield* texts(v);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'text' && typeof v === 'string') yield { key: k, text: v };
      else yield* texts(v);
    }
  }
}

describe('run messages', () => {
  it('cut long texts with a visible marker and stay within Block Kit limits', () => {
    const messages = [runParent(result, [{ alias: 'gpt-4o', label: 'GPT-4o' }]), ...runReplies(result)];
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
      for (const { text } of texts(m.blocks)) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      for (const b of m.blocks) {
        for (const f of (b as { fields?: { text: string }[] }).fields ?? [])
          expect(f.text.length).toBeLessThanOrEqual(LIMITS.field);
      }
    }
    expect(JSON.stringify(runReplies(result)[0].blocks)).toMatch(/\[\d+ more characters not shown\]/);
  });

  it('carries the run in the actions block id, within 255 characters', () => {
    const ref = { t: 'hs-pn', m: 'gpt-4o', d: '02_脾損傷', s: 'one' as const };
    const id = encodeRef(ref);
    expect(id.length).toBeLessThanOrEqual(255);
    expect(decodeRef(id)).toEqual(ref);
    expect(decodeRef('other')).toBeUndefined();
  });

  it('cuts nothing that fits', () => {
    expect(cut('短い', 10)).toBe('短い');
  });
});

describe('one readable scale', () => {
  it('labels the release keys and shows scores ×100 with one decimal, counts as they are', () => {
    expect(metricsText({ _precision: 0, recall: 0.25, _f1: 1 / 3, total_tp: 3 })).toBe(
      'precision 0.0 · recall 25.0 · F1 33.3 · TP 3',
    );
    expect(metricsText({ t: { accuracy: 0.5 }, n: { accuracy: 1 } })).toBe('T accuracy 50.0 · N accuracy 100.0');
    const scores = JSON.stringify(runReplies(result)[2].blocks);
    expect(scores).toContain('precision *50.0* · recall *25.0* · F1 *33.3*');
    // The parent and its thread say the same number.
    expect(runParent(result, []).text).toContain('ROUGE-L 33.3');
  });
});

describe('a change against the previous run', () => {
  it('is reported only against a run over the same documents (same shot and limit)', async () => {
    const store = await freshStore('sqlite');
    try {
      const s = createServices({
        env: { JCB_DATA_DIR: FIXTURE_RELEASE, ...store.env },
        tokenizer: inThreadTokenizer(),
      });
      await s.evaluate({ task: 'irs', model: 'gpt-4o', shot: 'one' });
      const limited = await s.evaluate({ task: 'irs', model: 'gpt-4o', shot: 'one', limit: 1 });
      expect((await s.status(limited.run.id))[0].previous).toEqual({});
      const again = await s.evaluate({ task: 'irs', model: 'gpt-4o', shot: 'one', limit: 1 });
      expect(Object.keys((await s.status(again.run.id))[0].previous)).toEqual(['irs']);
      await s.close();
    } finally {
      await store.drop();
    }
  });
});
