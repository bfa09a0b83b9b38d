// Every Block Kit builder fed hostile strings: Slack's special syntax, `&`, emoji sequences at the cut
// points, 40,000 characters. Nothing may notify or mention anyone, every escape must be whole, no
// character or emoji may be cut in half, and every element must stay within Slack's limits.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { answerMessage, errorText } from '../handlers/blocks/answers.js';
import { digestMessage } from '../handlers/blocks/digest.js';
import { helpMessage } from '../handlers/blocks/help.js';
import { homeView } from '../handlers/blocks/home.js';
import { taskModalBlocks } from '../handlers/blocks/modal.js';
import { finalScoresMessage, progressMessage } from '../handlers/blocks/progress.js';
import { batchItemMessage, rateMessage } from '../handlers/blocks/rating.js';
import { runParent, runReplies, type Message } from '../handlers/blocks/run.js';
import { compareMessage, leaderboardMessage, listMessage, ratingsMessage } from '../handlers/blocks/tables.js';
import { cut, LIMITS } from '../handlers/blocks/text.js';
import { UserError } from '../src/base/errors.js';
import type { Leaderboard, RunProgress, RunResult } from '../src/services/index.js';
import type { Comparison } from '../src/tasks/types.js';
import { runRow } from './helpers.js';

const FAMILY = '👨‍👩‍👧‍👦'; // a ZWJ sequence of 11 UTF-16 code units
const SPECIAL = '<!channel> <@U1> <!here> <#C1|x> & a<b>c ‹家族歴>';
/** Hostile strings: short ones, and long ones whose every possible cut point falls in an emoji or an escape. */
const HOSTILE = [
  SPECIAL,
  `${SPECIAL} ${FAMILY.repeat(4000)}`,
  `${'&'.repeat(5_000)}${'<'.repeat(5_000)}`,
  `${'あ'.repeat(1499)}${FAMILY}${'e\u0301'.repeat(3000)}${'🇯🇵'.repeat(10_000)}`,
  `${SPECIAL}${'x'.repeat(40_000)}`,
];

/** Every text a message carries, with the limit of the place it sits in. */
function* texts(value: unknown, limit: number = LIMITS.sectionText): Generator<{ text: string; limit: number }> {
  if (Array.isArray(value)) for (const v of value) yield* texts(v, limit);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'text' && typeof v === 'string') {
        const max = o.type === 'plain_text' ? (limit === LIMITS.header ? LIMITS.header : LIMITS.optionText) : limit;
        yield { text: v, limit: max };
      } else if (k === 'fields') yield* texts(v, LIMITS.field);
      else if (k === 'type' && v === 'header') yield* texts(o.text, LIMITS.header);
      else if (k !== 'text' || o.type !== 'header') yield* texts(v, limit);
    }
  }
}

function check(name: string, blocks: KnownBlock[], text?: string, maxBlocks: number = LIMITS.blocks) {
  expect(blocks.length, name).toBeLessThanOrEqual(maxBlocks);
  const all = [...texts(blocks), ...(text === undefined ? [] : [{ text, limit: LIMITS.messageText }])];
  for (const { text: t, limit } of all) {
    expect(t.length, `${name}: ${t.slice(0, 60)}`).toBeLessThanOrEqual(limit);
    // No lone surrogate: no character cut in half.
    expect(t, name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    // No half emoji sequence left before a cut marker.
    expect(t, name).not.toMatch(/\u200D\n… \[/);
    for (const m of t.matchAll(/\n… \[(\d+) more characters not shown\]/g)) expect(Number(m[1])).toBeGreaterThan(0);
  }
  const mrkdwn = [...mrkdwnTexts(blocks), ...(text === undefined ? [] : [text])];
  for (const t of mrkdwn) {
    // Slack reads `<...>` as mentions, links and commands: none may come from data.
    expect(t, name).not.toMatch(/[<>]/);
    // Every `&` starts a whole escape (a cut never splits one).
    expect(t.replace(/&(amp|lt|gt);/g, ''), name).not.toContain('&');
  }
}

function* mrkdwnTexts(value: unknown): Generator<string> {
  if (Array.isArray(value)) for (const v of value) yield* mrkdwnTexts(v);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') yield o.text;
    for (const v of Object.values(o)) yield* mrkdwnTexts(v);
  }
}

const checkMessage = (name: string, m: Message) => check(name, m.blocks, m.text);

const comparisons = (s: string): Comparison[] => [
  { kind: 'items', matched: [s, s], missed: [s], extra: Array(30).fill(s) },
  { kind: 'texts', gold: s, output: s },
  {
    kind: 'texts',
    gold: s,
    output: s,
    highlight: [{ text: s, mark: 'matched' }, { text: s }, { text: s, mark: 'matched' }],
  },
  {
    kind: 'entities',
    gold: [
      { text: s, mark: 'matched' },
      { text: s, mark: 'missed' },
    ],
    predicted: Array(12).fill({ text: s, mark: 'extra' }),
    sentence: [{ text: s }, { text: s, mark: 'matched' }, { text: s, mark: 'missed' }],
    output: [{ text: s }, { text: s, mark: 'matched' }, { text: s, mark: 'extra' }],
    sameText: false,
  },
  { kind: 'labels', gold: s, predicted: s },
];

function runResult(s: string, comparison: Comparison): RunResult {
  return {
    task: { id: 'mr', label: s, title: s, metric: 'F1' },
    model: { alias: s, label: s, provider: 'replay' },
    shot: 'one',
    document: { id: s, text: s },
    gold: s,
    output: s,
    parse: { ok: false, problem: s, shown: s },
    comparison,
    metrics: { _precision: 0.5, recall: 1, _f1: 2 / 3, [s.slice(0, 40)]: { t: 0.1 } },
    score: 2 / 3,
  };
}

function progress(s: string, status: string): RunProgress {
  const run = {
    ...runRow(s, status),
    model: s,
    engine: '{}',
    tasks: JSON.stringify([s, 'mr']),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    planned: 10,
    started_by: s,
  };
  const score = {
    task: s,
    n: 3,
    failed: 1,
    parseFailures: 0,
    noAnswer: 0,
    score: 0.5,
    metrics: { f1: 0.5 },
    interval: null,
    labels: null,
    otherList: false,
  };
  return {
    run,
    planned: 10,
    done: 3,
    failed: 1,
    elapsedMs: 5000,
    etaMs: 1000,
    scores: [score, score],
    previous: { [s]: 0.4 },
    usage: { input: 10, cachedInput: 0, output: 5, reasoning: 0, costUsd: 0.01 },
    firstFailure: s,
  };
}

const board = (s: string): Leaderboard => ({
  shot: 'one',
  source: 'runs',
  labels: 'paper',
  columns: [{ id: 'mr', label: s }],
  rows: Array.from({ length: 40 }, () => ({ model: s, label: s, provider: 'replay' as const, cells: [0.5] })),
});

describe('every Block Kit builder with hostile strings', () => {
  it.each(HOSTILE.map((s, i) => [i, s] as const))('hostile string %i: escaped, cut whole, within limits', (_i, s) => {
    const models = Array.from({ length: 30 }, () => ({ alias: s.slice(0, 150), label: s }));
    for (const c of comparisons(s)) {
      const r = runResult(s, c);
      checkMessage('runParent', runParent(r, models));
      for (const m of runReplies(r)) checkMessage(`runReplies ${c.kind}`, m);
    }
    checkMessage(
      'answerMessage',
      answerMessage({
        task: { id: 'mr', label: s, title: s },
        model: { alias: s, label: s, provider: 'openai' },
        output: s,
        parse: { ok: true, shown: s },
      }),
    );
    check('errorText', [], errorText(new UserError(s, s)));
    check('errorText (unexpected)', [], errorText(new Error(s)));
    const row = {
      model: s,
      task: s,
      score: 0.5,
      previous: 0.7,
      regression: true,
      run: s,
      interval: { low: 0.1, high: 0.9 },
    };
    checkMessage(
      'digestMessage',
      digestMessage({
        schedule: s,
        channel: 'C1',
        labels: 'paper',
        previousLabels: null,
        shot: 'one',
        since: null,
        rows: Array(20).fill(row),
        failedRuns: Array(20).fill({ run: s, model: s, status: s, failed: 2 }),
      }),
    );
    checkMessage('helpMessage', helpMessage());
    const home = homeView({
      paper: board(s),
      runs: board(s),
      recent: Array(30).fill({ task: s, model: s, shot: 'one', doc_id: s, score: 0.5, created_at: s }),
    });
    check('homeView', home.blocks, undefined, LIMITS.homeBlocks);
    for (const status of ['running', 'finished', 'cancelled']) {
      checkMessage('progressMessage', progressMessage(progress(s, status)));
      checkMessage('finalScoresMessage', finalScoresMessage(progress(s, status)));
    }
    const rated = { task: s, model: s, doc: s, hash: 'abc' };
    checkMessage('rateMessage', rateMessage(rated));
    checkMessage('batchItemMessage', batchItemMessage({ ...rated, text: s, gold: s, output: s }, 3));
    checkMessage('leaderboardMessage', leaderboardMessage(board(s)));
    checkMessage('listMessage', listMessage(s, [[s, s], ...Array(20).fill([s, s])]));
    checkMessage(
      'ratingsMessage',
      ratingsMessage({
        rows: Array(50).fill({ group: s, task: s, n: 2, means: { consistency: 3, saliency: null, fluency: 4 } }),
        alpha: { consistency: 0.5, saliency: null, fluency: 0.1 },
        shared: 3,
      }),
    );
    const result = { a: 0.5, b: 0.4, difference: 0.1, interval: { low: 0.01, high: 0.2 }, significant: true };
    checkMessage('compareMessage', compareMessage(s, s, Array(50).fill({ task: s, documents: 9, result })));
    check(
      'taskModalBlocks',
      taskModalBlocks(
        s,
        Array(30).fill({ id: 'mr', label: s, title: s }),
        Array(30).fill({ alias: 'a', label: s, provider: s }),
      ),
    );
  });

  it('cuts between grapheme clusters, never inside an emoji sequence or an escape', () => {
    for (let max = 40; max < 80; max++) {
      const family = cut(`${'a'.repeat(10)}${FAMILY.repeat(20)}`, max);
      expect(family.split('\n…')[0]).toMatch(new RegExp(`^a{0,10}(${FAMILY})*$`, 'u'));
      expect(cut('&amp;'.repeat(40), max).split('\n…')[0]).toMatch(/^(&amp;)*$/);
    }
    expect(cut('x'.repeat(50) + FAMILY, 45)).toMatch(/\[\d+ more characters not shown\]$/);
  });
});
