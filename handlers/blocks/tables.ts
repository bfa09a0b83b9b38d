// Leaderboards and lists as monospaced tables.
import type { Leaderboard } from '../../src/services.js';
import type { Message } from './run.js';
import { code, context, section } from './text.js';

export function boardTable(board: Leaderboard): string {
  const header = ['model', ...board.columns.map((c) => c.label)];
  const rows = board.rows.map((r) => [r.label, ...r.cells.map((c) => (c === null ? '–' : (c * 100).toFixed(1)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join(' ')).join('\n');
}

export function leaderboardMessage(board: Leaderboard): Message {
  const title =
    board.source === 'paper'
      ? `*J-ClinicalBench, ${board.shot}-shot* (×100) — the paper's models, recomputed from their released generations`
      : `*J-ClinicalBench, ${board.shot}-shot* (×100) — our stored runs, latest finished run per model and setting`;
  return {
    text: `J-ClinicalBench leaderboard (${board.source}, ${board.shot}-shot)`,
    blocks: board.rows.length
      ? [section(title), code(boardTable(board)), context('`–`: no score for that setting.')]
      : [section(`${title}\n_No finished runs yet._`)],
  };
}

export function listMessage(title: string, rows: string[][]): Message {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return {
    text: title,
    blocks: [section(`*${title}*`), code(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n'))],
  };
}
