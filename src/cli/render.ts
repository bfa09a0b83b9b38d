// Plain-text views of service results for a terminal.
import type { TaskCheck } from '../release/check.js';
import type { Leaderboard, RunResult, ScoreRow } from '../services.js';
import type { Metrics } from '../tasks/types.js';

/** East Asian wide characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Cuts long text with a visible marker, never silently. */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max).join('')} … [${chars.length - max} more characters not shown]`;
}

export function formatMetrics(m: Metrics, prefix = ''): string {
  return Object.entries(m)
    .map(([k, v]) =>
      typeof v === 'number'
        ? `${prefix}${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`
        : formatMetrics(v, `${prefix}${k}.`),
    )
    .join('  ');
}

const section = (title: string, body: string) => `── ${title} ${'─'.repeat(Math.max(4, 60 - title.length))}\n${body}`;

export function renderRun(r: RunResult): string {
  const source = r.model.provider === 'replay' ? 'replay of the released generation' : r.model.provider;
  return [
    `${r.task.label} · ${r.model.alias} (${source}) · ${r.shot}-shot · document ${r.document.id}`,
    section('Document', shorten(r.document.text, 600)),
    section('Gold', r.gold),
    section(r.model.provider === 'replay' ? 'Output (replayed)' : 'Output', r.output === '' ? '(empty)' : r.output),
    section('Read as', r.parse.ok ? r.parse.shown : `${r.parse.shown}\n⚠ ${r.parse.problem}`),
    section('Scores', `${r.task.metric} ${(r.score * 100).toFixed(1)}   ${formatMetrics(r.metrics)}`),
  ].join('\n');
}

export function renderScores(rows: ScoreRow[]): string {
  const body = table(
    ['task', 'model', 'file', 'n', 'score', 'release'],
    rows.map((r) => [
      r.task,
      r.model,
      r.file,
      String(r.n),
      (r.score * 100).toFixed(2),
      r.matchesRelease === null ? '(no results file)' : r.matchesRelease ? 'matches' : 'DIFFERS',
    ]),
  );
  const compared = rows.filter((r) => r.matchesRelease !== null);
  const agreeing = compared.filter((r) => r.matchesRelease).length;
  return `${body}\n\n${agreeing} of ${compared.length} files that have a results/ file match it on every key (to 1e-4).`;
}

export function renderLeaderboard(board: Leaderboard): string {
  const rows = board.rows.map((r) => [
    `${r.label}${r.provider === 'replay' ? '' : ` (${r.provider})`}`,
    ...r.cells.map((c) => (c === null ? '–' : (c * 100).toFixed(1))),
  ]);
  return `J-ClinicalBench, ${board.shot}-shot, ×100 (replayed generations, scored by jcb)\n\n${table(['model', ...board.columns.map((c) => c.label)], rows)}`;
}

export function renderCheck(checks: TaskCheck[]): string {
  return checks
    .map((c) => {
      const head = `${c.task} (${c.folder}): ${c.documents} documents${c.problems.length ? `  ⚠ ${c.problems.join('; ')}` : ''}`;
      const files = c.files.map(
        (f) =>
          `  ${f.file}: ${f.rows} rows, ${f.matched} matched, ${f.parseFailures} unreadable outputs${f.problems.length ? `  ⚠ ${f.problems.join('; ')}` : ''}`,
      );
      return [head, ...files].join('\n');
    })
    .join('\n');
}
