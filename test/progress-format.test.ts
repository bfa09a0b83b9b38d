// Every renderer of a run's counts (the bar and `N/M` of `jcb status`, Slack's progress message, the foreground
// bar, the lines of a stopped run) over any integers: never a crash, always the bar's width, never a count past
// the plan shown as if it were the plan (done > planned, planned null or 0, negatives).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetStopped, doneOf, progressBar, settledOf } from '../src/base/format.js';
import { renderStatus } from '../src/cli/render.js';
import { progressMessage } from '../handlers/blocks/progress.js';
import { progressPrinter } from '../src/cli/progress.js';
import type { RunProgress } from '../src/services/index.js';
import { runRow } from './helpers.js';

const int = fc.integer({ min: -1_000_000, max: 1_000_000 });
const planned = fc.oneof(int, fc.constant(null), fc.constant(0), fc.constant(undefined));
const marks = { done: '#', failed: 'x', left: '.' };

describe('counts of a run, whatever they are', () => {
  it('the bar is always `width` marks, done before failed before left, full once everything planned settled', () => {
    fc.assert(
      fc.property(int, int, planned, fc.integer({ min: -5, max: 60 }), (done, failed, plan, width) => {
        const bar = progressBar(done, failed, plan, marks, width);
        expect(bar).toHaveLength(Math.max(0, width));
        expect(bar).toMatch(/^#*x*\.*$/);
        const settled = Math.max(0, done) + Math.max(0, failed);
        if (width > 0 && settled > 0 && settled >= (plan ?? 0)) expect(bar).not.toContain('.');
        if (settled === 0) expect(bar).toBe('.'.repeat(Math.max(0, width)));
      }),
    );
  });

  it('`N/M` never shows more settled than planned as a plain fraction; `?` without a plan', () => {
    fc.assert(
      fc.property(int, int, planned, (done, failed, plan) => {
        const text = settledOf(done, failed, plan);
        const m = /^(\d+)\/(\d+|\?)(?: \((\d+) more than planned\))?$/.exec(text);
        expect(m, text).not.toBeNull();
        const [, n, of, more] = m!;
        if (of === '?') expect(plan ?? null).toBeNull();
        else if (Number(n) > Number(of)) expect(Number(more)).toBe(Number(n) - Number(of));
        else expect(more).toBeUndefined();
        expect(doneOf(done, plan)).toBe(settledOf(done, 0, plan).replace('/', ' of '));
      }),
    );
  });

  it('jcb status, Slack progress, the foreground bar and a stopped run render any counts', () => {
    fc.assert(
      fc.property(int, int, planned, fc.constantFrom('queued', 'running', 'finished', 'interrupted'), (d, f, p, st) => {
        const done = Math.abs(d);
        const failed = Math.abs(f);
        const progress = {
          run: { ...runRow('20261205-000000-abcd', st), planned: p ?? null },
          planned: p ?? null,
          done,
          failed,
          elapsedMs: 1000,
          etaMs: undefined,
          scores: [],
          usage: { input: 0, output: 0, cachedInput: 0, reasoning: 0, costUsd: null },
          previous: {},
          firstFailure: null,
          ...(st === 'interrupted' && { budget: { maxCostUsd: 1, spentUsd: 1, task: 'mr' } }),
        } as unknown as RunProgress;
        const text = renderStatus([progress]);
        expect(text).not.toMatch(/NaN|undefined|[\s(/]-\d/);
        const msg = progressMessage(progress);
        expect(JSON.stringify(msg)).not.toMatch(/NaN|undefined/);
        expect(budgetStopped(1, 1, done, p, 'x')).not.toMatch(/NaN|undefined/);
        let out = '';
        const stream = { isTTY: true, write: (s: string) => (out += s) } as unknown as NodeJS.WriteStream;
        const printer = progressPrinter(stream);
        printer.update({ runId: 'r', task: 'mr', done, total: p ?? 0, failed, retries: 0, runningScore: undefined });
        expect(out).toMatch(/\[[#.]{24}\]/);
      }),
      { numRuns: 200 },
    );
  });
});
