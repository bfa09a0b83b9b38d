import { describe, expect, it } from 'vitest';
import { leaderboardChart, leaderboardSpec, leaderboardSvg } from '../src/leaderboard/vega.js';
import { createContext } from '../src/services/context.js';
import type { Leaderboard } from '../src/services/index.js';
import { leaderboardServices } from '../src/services/leaderboard.js';
import { FIXTURE_ENV } from './helpers.js';

const board: Leaderboard = {
  shot: 'one',
  source: 'paper',
  labels: 'paper',
  columns: [
    { id: 'mr', label: 'MR' },
    { id: 'irs', label: 'IRS' },
  ],
  rows: [
    {
      model: 'gpt-4o',
      label: 'GPT-4o',
      provider: 'replay',
      cells: [0.286, 0.387],
      intervals: [
        { low: 0.232, high: 0.34 },
        { low: 0.34, high: 0.437 },
      ],
    },
    { model: 'llm-jp', label: 'llm-jp', provider: 'replay', cells: [0.088, null], intervals: [null, null] },
  ],
};

describe('the leaderboard chart (Vega-Lite)', () => {
  it('bars: ×100 on the axis, each setting named with its metric, error bars from the intervals, n/a where missing', async () => {
    const spec = JSON.stringify(leaderboardSpec(board, 'bars'));
    expect(spec).toContain('score ×100');
    expect(spec).toContain('MR · F1');
    expect(spec).toContain('IRS · R-L');
    const svg = await leaderboardSvg(board, 'bars');
    expect(svg).toContain('n/a');
    for (const label of ['GPT-4o', 'llm-jp', 'score ×100', 'MR · F1']) expect(svg).toContain(label);
    // The error bars run from each interval's low to its high end, ×100; the missing cell has none.
    const values = (leaderboardSpec(board, 'bars').data as { values: { low: number | null; high: number | null }[] })
      .values;
    expect(values.filter((v) => v.low !== null).map((v) => [v.low!.toFixed(1), v.high!.toFixed(1)])).toEqual([
      ['23.2', '34.0'],
      ['34.0', '43.7'],
    ]);
    expect(spec).toMatch(/"mark":\{"type":"rule".*"y":\{"field":"low".*"y2":\{"field":"high"\}/);
  });

  it('heatmap: models × settings with the value in each cell, n/a where missing', async () => {
    const svg = await leaderboardSvg(board, 'heatmap');
    for (const text of ['28.6', '38.7', '8.8', 'n/a']) expect(svg).toContain(`>${text}<`);
  });

  it('writes SVG text or PNG bytes', async () => {
    const svg = await leaderboardChart(board, 'bars', 'svg');
    expect(svg.toString().startsWith('<svg')).toBe(true);
    const png = await leaderboardChart(board, 'heatmap', 'png');
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(5000);
  });

  it('renders on a pool thread that ends soon after, Vega and resvg with it; the next chart starts another', async () => {
    const ctx = createContext({ env: { ...FIXTURE_ENV, JCB_THREADS: '1' }, heavyThreadIdleMs: 300 });
    const charts = leaderboardServices(ctx);
    const isPng = (b: Buffer) => b.subarray(0, 8).toString('hex') === '89504e470d0a1a0a';
    const ended = async () => {
      const since = Date.now();
      while (charts.chartThreads() > 0 && Date.now() - since < 20_000) await new Promise((r) => setTimeout(r, 25));
      return charts.chartThreads();
    };
    try {
      expect(charts.chartThreads()).toBe(0);
      // The render is off the event loop: timers keep firing while it runs.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const first = await charts.leaderboardChart(board, 'heatmap', 'png').finally(() => clearInterval(ticker));
      expect(isPng(first)).toBe(true);
      expect(ticks).toBeGreaterThan(0);
      expect(charts.chartThreads()).toBe(1);
      // Ended (its exit seen: the isolate, Vega's heap and resvg's memory are gone), not merely idle.
      expect(await ended()).toBe(0);
      // Well before the 30 s a thread that only tokenizes stays: the pool holds no thread at all.
      expect(ctx.pool()!.threads()).toBe(0);
      const second = await charts.leaderboardChart(board, 'heatmap', 'png');
      expect(second.equals(first)).toBe(true);
      expect(await ended()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
