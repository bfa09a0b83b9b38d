// Block Kit builders are pure: checked here against Slack's limits without Slack.
import { describe, expect, it } from 'vitest';
import { runParent, runReplies, decodeRef, encodeRef } from '../handlers/blocks/run.js';
import { cut, LIMITS } from '../handlers/blocks/text.js';
import { ESTIMATED_NOTE, metricsText } from '../src/base/format.js';
import {
  createServices,
  type Digest,
  type Leaderboard,
  type RunProgress,
  type RunResult,
} from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, runRow } from './helpers.js';
import { finalScoresMessage } from '../handlers/blocks/progress.js';
import { boardTable, leaderboardMessage } from '../handlers/blocks/tables.js';
import { digestMessage } from '../handlers/blocks/digest.js';
import { DASH_LEGEND, message, missingLegends, section } from '../handlers/blocks/text.js';
import { MARKS_LEGEND } from '../src/base/format.js';
import { COVERAGE_LEGEND } from '../src/leaderboard/coverage.js';

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
        env: { ...FIXTURE_ENV, ...store.env },
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

describe('the final scores in a run thread', () => {
  const progress = (usage: RunProgress['usage']): RunProgress => ({
    run: { id: 'r1', model: 'gpt-4o-live', shot: 'one' } as RunProgress['run'],
    planned: 2,
    done: 2,
    failed: 0,
    elapsedMs: 1,
    etaMs: undefined,
    scores: [
      {
        task: 'mr',
        n: 2,
        failed: 0,
        parseFailures: 0,
        noAnswer: 0,
        score: 0.5,
        metrics: {},
        interval: null,
        labels: null,
        otherList: false,
      },
    ],
    usage,
    previous: {},
    firstFailure: null,
  });
  it('shows a live run’s tokens and cost, and nothing of the kind for a replay', () => {
    const live = finalScoresMessage(
      progress({ input: 1200, cachedInput: 400, output: 90, reasoning: 0, costUsd: 0.0039 }),
    );
    expect(JSON.stringify(live.blocks)).toContain(
      'Tokens: 1,200 prompt (400 cached), 90 output (0 reasoning) · cost $0.00',
    );
    const counted = finalScoresMessage(
      progress({ input: 1200, cachedInput: 0, output: 90, reasoning: 0, costUsd: 0.13, estimated: true }),
    );
    expect(JSON.stringify(counted.blocks)).toContain(
      `Tokens: ≈1,200 prompt (≈0 cached), ≈90 output (≈0 reasoning) · cost ≈$0.13 (${ESTIMATED_NOTE})`,
    );
    const replay = finalScoresMessage(progress({ input: 0, cachedInput: 0, output: 0, reasoning: 0, costUsd: null }));
    expect(JSON.stringify(replay.blocks)).not.toContain('Tokens');
  });
});

describe('honest scores in Slack', () => {
  const run = {
    ...runRow('r1', 'finished'),
    model: 'gpt-4o-live',
    provider: 'openai',
    engine: '{}',
    tasks: '["irs","mr"]',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:01:00Z',
    planned: 6,
    started_by: null,
  };
  const score = (task: string, n: number, failed: number, value: number) => ({
    task,
    n,
    failed,
    parseFailures: 0,
    noAnswer: 0,
    score: value,
    metrics: { f1: value },
    interval: null,
    labels: null,
    otherList: false,
  });
  const progress = (scores: ReturnType<typeof score>[], firstFailure: string | null): RunProgress => ({
    run,
    planned: 6,
    done: scores.reduce((a, s) => a + s.n, 0),
    failed: scores.reduce((a, s) => a + s.failed, 0),
    elapsedMs: 1000,
    etaMs: undefined,
    scores,
    previous: { irs: 0.4 },
    usage: { input: 0, cachedInput: 0, output: 0, reasoning: 0, costUsd: null },
    firstFailure,
  });
  const error =
    'gpt-4o-live: HTTP 401: 401 Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.\n\nTroubleshooting URL: https://docs.langchain.com/x/\n (after 1 attempt)';

  it('shows – and the first cause, in one line and without a URL, when every document failed', () => {
    const m = finalScoresMessage(progress([score('irs', 0, 3, 0), score('mr', 0, 3, 0)], error));
    const all = JSON.stringify(m);
    expect(m.text).toBe('Final scores of r1: irs –, mr –');
    expect(all).toContain('*Every document failed*, nothing was scored: 401 from the provider: invalid API key.');
    expect(all).not.toMatch(/0\.0|https?:|sk-test/);
    expect(all).not.toContain('since the previous run');
    // The – travels with its meaning (issue 30).
    expect(all).toContain('– nothing scored');
    // A cause that ends in a question takes no full stop after it (breaker-llm).
    const refused =
      'vllm: could not connect to http://10.0.0.5:8000/v1 (connection refused): is the server running? (after 6 attempts)';
    const asked = JSON.stringify(finalScoresMessage(progress([score('irs', 0, 3, 0)], refused)));
    expect(asked).toContain('could not connect to the server (connection refused): is the server running?"');
    expect(asked).not.toContain('running?.');
  });

  it('marks a score over fewer documents than planned with n/planned', () => {
    const m = finalScoresMessage(progress([score('irs', 2, 1, 0.5), score('mr', 3, 0, 0.25)], error));
    expect(m.text).toBe('Final scores of r1: irs 50.0† 2/3, mr 25.0');
    expect(JSON.stringify(m)).not.toContain('Every document failed');
    expect(JSON.stringify(m.blocks)).toContain(COVERAGE_LEGEND);
  });

  it('shows nothing scored as – on the runs board, partial and --limit cells marked, with the legend', () => {
    const board: Leaderboard = {
      shot: 'one',
      source: 'runs',
      labels: 'paper',
      columns: [
        { id: 'irs', label: 'IRS' },
        { id: 'mr', label: 'MR' },
      ],
      rows: [
        {
          model: 'gpt-4o-live',
          label: 'GPT-4o (live)',
          provider: 'openai',
          cells: [null, 0.2],
          coverage: [
            { n: 0, planned: 1, limit: 1 },
            { n: 1, planned: 6, limit: null },
          ],
        },
        {
          model: 'baseline',
          label: 'Baseline',
          provider: 'baseline',
          cells: [0.452, 0.1],
          coverage: [
            { n: 2, planned: 2, limit: 2 },
            { n: 6, planned: 6, limit: null },
          ],
        },
      ],
    };
    expect(boardTable(board).split('\n').slice(1)).toEqual([
      'GPT-4o (live) –     20.0† 1/6',
      'Baseline      45.2‡ 10.0     ',
    ]);
    const m = leaderboardMessage(board);
    expect(JSON.stringify(m.blocks)).toContain('† n/planned: scored on fewer documents than planned');
    expect(JSON.stringify(m.blocks)).toContain('Marked cells are not comparable with full runs');
  });

  it('writes – in a digest for a run that scored nothing, never 0.0, and marks a partial one', () => {
    const row = { model: 'gpt-4o-live', previous: null, change: null, regression: false, run: 'r1', interval: null };
    const d: Digest = {
      schedule: 'nightly',
      channel: '#eval',
      shot: 'one',
      since: null,
      labels: 'paper',
      previousLabels: null,
      rows: [
        { ...row, task: 'irs', score: null, coverage: { n: 0, planned: 3, limit: null } },
        { ...row, task: 'mr', score: 0.25, coverage: { n: 3, planned: 4, limit: null } },
      ],
      failedRuns: [{ run: 'r1', model: 'gpt-4o-live', status: 'finished', failed: 4 }],
    };
    const text = JSON.stringify(digestMessage(d).blocks);
    expect(text).toContain('irs –');
    expect(text).toContain('mr *25.0† 3/4*');
    expect(text).not.toMatch(/0\.0\b(?!†)/);
  });
});

describe('legends travel with the marks (issue 30)', () => {
  const legendOf = (text: string) =>
    message('m', [section(text)])
      .blocks.slice(1)
      .map((b) => JSON.stringify(b));
  it('adds, to any message, the legend of the marks it carries and does not explain', () => {
    expect(legendOf('✓ a\n✗ b')).toEqual([expect.stringContaining(MARKS_LEGEND)]);
    expect(legendOf('sentence +[x] here')).toEqual([expect.stringContaining(MARKS_LEGEND)]);
    expect(legendOf('irs 41.2‡')).toEqual([expect.stringContaining(COVERAGE_LEGEND)]);
    expect(legendOf('irs *–*')).toEqual([expect.stringContaining(DASH_LEGEND)]);
  });
  it('adds nothing where there is no mark, or the legend is there already', () => {
    expect(legendOf('interval 41.2–50.3, change +1.3, アスピリン+ボノプラザン')).toEqual([]);
    expect(legendOf(`✓ a\n${MARKS_LEGEND}`)).toEqual([]);
    expect(missingLegends(`20.0† 1/6 · ${COVERAGE_LEGEND}`)).toEqual([]);
  });
});
