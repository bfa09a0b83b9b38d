import { describe, expect, it } from 'vitest';
import { leaderboardPng, leaderboardSvg } from '../src/leaderboard/chart.js';
import type { Leaderboard } from '../src/services.js';

const board: Leaderboard = {
  shot: 'one',
  source: 'paper',
  columns: [
    { id: 'mr', label: 'MR' },
    { id: 'irs', label: 'IRS' },
  ],
  rows: [
    { model: 'gpt-4o', label: 'GPT-4o', provider: 'replay', cells: [0.286, 0.387] },
    { model: 'llm-jp', label: 'llm-jp', provider: 'replay', cells: [0.088, null] },
  ],
};

describe('the leaderboard chart', () => {
  it('draws a bar per model and setting with a value, a Japanese title, the labels and a legend', () => {
    const svg = leaderboardSvg(board);
    expect(svg.match(/<rect x=/g)).toHaveLength(3 + 2); // three bars, two legend swatches
    expect(svg).toContain('リーダーボード');
    for (const label of ['MR', 'IRS', 'GPT-4o', 'llm-jp']) expect(svg).toContain(`>${label}<`);
  });

  it('renders to a PNG offline', () => {
    const png = leaderboardPng(board);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(2000);
  });
});
