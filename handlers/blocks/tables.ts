// Leaderboards and lists as monospaced tables.
import { signedPct } from '../../src/base/format.js';
import { COVERAGE_LEGEND, DOCUMENTS_LEGEND, isFull, showScore, STANDING_RULE } from '../../src/leaderboard/coverage.js';
import { OTHER_LIST_LEGEND, OTHER_LIST_MARK } from '../../src/release/views.js';
import type { Leaderboard, ModelComparison } from '../../src/services/index.js';
import type { Message } from './run.js';
import type { KnownBlock } from '@slack/types';
import { aboutLines } from '../../src/tasks/task-file/about.js';
import { code, context, message, pct, section } from './text.js';
import { privateNote } from './private-note.js';
import { CRITERIA, type RatingsReport } from '../../src/ratings/ratings.js';

/** The declared tasks' source and licence lines (CC BY-NC-SA ones say non-commercial), as a context block, or none. */
export function aboutBlocks(items: readonly { id?: string; task?: string; about?: string }[]): KnownBlock[] {
  const lines = aboutLines(items, 'chat');
  return lines.length ? [context(lines.join('\n'))] : [];
}

export function boardTable(board: Leaderboard): string {
  const header = ['model', ...board.columns.map((c) => c.label)];
  const rows = board.rows.map((r) => [
    r.provider === 'published' ? `${r.label} (published)` : r.label,
    ...r.cells.map((c, i) => `${showScore(c, r.coverage?.[i] ?? undefined)}${r.otherList?.[i] ? OTHER_LIST_MARK : ''}`),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join(' ')).join('\n');
}

/** What the marks of a board mean; stored runs are listed as stored, not ranked, when some cells are partial. */
function legend(board: Leaderboard): string {
  const marked = board.rows.some((r) => r.coverage?.some((c) => c !== null && !isFull(c)));
  const published = board.rows.some((r) => r.provider === 'published')
    ? ' _(published)_: results carried by task files, not reproduced by jcb.'
    : '';
  const relabelled = board.rows.some((r) => r.otherList?.some(Boolean)) ? ` ${OTHER_LIST_LEGEND}.` : '';
  const documents = board.source === 'runs' ? ` ${DOCUMENTS_LEGEND}` : '';
  return (
    (marked
      ? `${COVERAGE_LEGEND}. Marked cells are not comparable with full runs.`
      : '`–`: no score for that setting.') +
    published +
    documents +
    relabelled +
    ` CCA on the ${board.labels} labels.`
  );
}

export function leaderboardMessage(board: Leaderboard): Message {
  const title =
    board.source === 'paper'
      ? `*J-ClinicalBench, ${board.shot}-shot* (×100) — the paper's models, recomputed from their released generations`
      : `*J-ClinicalBench, ${board.shot}-shot* (×100) — our stored runs, ${STANDING_RULE}`;
  return message(
    `J-ClinicalBench leaderboard (${board.source}, ${board.shot}-shot)`,
    board.rows.length
      ? [
          section(title),
          code(boardTable(board)),
          context(legend(board)),
          ...aboutBlocks(board.columns),
          ...privateNote(board.columns),
        ]
      : [section(`${title}\n_No finished runs yet._`)],
  );
}

export function listMessage(title: string, rows: string[][]): Message {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return message(title, [
    section(`*${title}*`),
    code(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n')),
  ]);
}

export function ratingsMessage(r: RatingsReport): Message {
  const num = (x: number | null) => (x === null ? '–' : x.toFixed(2));
  const rows = [
    ['task', 'model', 'n', ...CRITERIA],
    ...r.rows.map((row) => [row.task, row.group, String(row.n), ...CRITERIA.map((c) => num(row.means[c]))]),
  ];
  const alpha = CRITERIA.map((c) => `${c} ${num(r.alpha[c])}`).join(' · ');
  return message(`Ratings: ${r.rows.length} rows; alpha ${alpha}`, [
    ...listMessage('Human ratings (1–5, Table 6 layout)', rows).blocks,
    context(`Krippendorff's alpha (ordinal) over ${r.shared} outputs rated by two raters or more: ${alpha}`),
  ]);
}

export function compareMessage(a: string, b: string, rows: ModelComparison[]): Message {
  const body = rows.map((r) =>
    r.result
      ? [
          r.task,
          String(r.documents),
          pct(r.result.a),
          pct(r.result.b),
          `${signedPct(r.result.difference)}`,
          `${pct(r.result.interval.low)}..${pct(r.result.interval.high)}`,
          r.result.significant ? (r.result.difference > 0 ? a : b) : '–',
        ]
      : [r.task, '0', '–', '–', '–', '–', 'no shared documents'],
  );
  const table = listMessage(`${a} against ${b} (paired bootstrap, 95 %)`, [
    ['task', 'docs', a, b, 'diff', 'interval', 'better'],
    ...body,
  ]);
  return { ...table, blocks: [...table.blocks, ...aboutBlocks(rows), ...privateNote(rows)] };
}
