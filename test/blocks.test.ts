// Block Kit builders are pure: checked here against Slack's limits without Slack.
import { describe, expect, it } from 'vitest';
import { runParent, runReplies, decodeRef, encodeRef } from '../handlers/blocks/run.js';
import { cut, LIMITS } from '../handlers/blocks/text.js';
import type { RunProgress, RunResult } from '../src/services.js';
import { finalScoresMessage } from '../handlers/blocks/progress.js';

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

describe('the final scores in a run thread', () => {
  const progress = (usage: RunProgress['usage']): RunProgress => ({
    run: { id: 'r1', model: 'gpt-4o-live', shot: 'one' } as RunProgress['run'],
    planned: 2,
    done: 2,
    failed: 0,
    elapsedMs: 1,
    etaMs: undefined,
    scores: [{ task: 'mr', n: 2, failed: 0, parseFailures: 0, score: 0.5, metrics: {}, interval: null }],
    usage,
    previous: {},
  });
  it('shows a live run’s tokens and cost, and nothing of the kind for a replay', () => {
    const live = finalScoresMessage(progress({ input: 1200, cachedInput: 400, output: 90, reasoning: 0, costUsd: 0.0039 }));
    expect(JSON.stringify(live.blocks)).toContain('Tokens: 1,200 prompt (400 cached), 90 output (0 reasoning) · cost $0.00');
    const replay = finalScoresMessage(progress({ input: 0, cachedInput: 0, output: 0, reasoning: 0, costUsd: null }));
    expect(JSON.stringify(replay.blocks)).not.toContain('Tokens');
  });
});
