// Plain-text views of service results for a terminal.
import type { TaskCheck } from '../evaluation/release-check.js';
import type { EvalResult } from '../evaluation/engine.js';
import { summarizeProvenance, type Provenance } from '../evaluation/provenance.js';
import type { Run } from '../store/store.js';
import { budgetStopped, duration, metricsText, pct, progressBar, settledOf, signedPct } from '../base/format.js';
import { resumeCommand } from '../command/resume.js';
import { goneStopped, shownStatus } from '../evaluation/owner.js';
import { renderMarks, scoresLine } from './render-comparison.js';
import { explanationText } from '../tasks/explanation.js';
import { renderUsage } from './render-request.js';
import { CRITERIA, type Criterion, type RatingsReport } from '../ratings/ratings.js';
import type {
  Digest,
  Leaderboard,
  ModelComparison,
  RunProgress,
  RunResult,
  RunSummary,
  ScoreRow,
} from '../services/index.js';
import type { Metrics, Shot } from '../tasks/types.js';
import { aboutLines } from '../tasks/task-file/about.js';
import {
  COVERAGE_LEGEND,
  DOCUMENTS_LEGEND,
  isFull,
  STANDING_RULE,
  runCoverage,
  showScore,
  type Coverage,
} from '../leaderboard/coverage.js';
import { forPeople } from '../base/shown.js';
import { failureCause } from '../evaluation/failure-cause.js';
import { table } from '../base/table.js';
import { OTHER_LIST_LEGEND, OTHER_LIST_MARK } from '../release/views.js';
import { golds, labelled, labelsNote, legendOf, shownUnder } from './render-labels.js';
/** Cuts long text with a visible marker, never silently. */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max).join('')} … [${chars.length - max} more characters not shown]`;
}

export const formatMetrics = (m: Metrics) => metricsText(m);

const section = (title: string, body: string) => `── ${title} ${'─'.repeat(Math.max(4, 60 - title.length))}\n${body}`;

export function renderRun(r: RunResult): string {
  const source = r.model.provider === 'replay' ? 'replay of the released generation' : r.model.provider;
  return [
    `${r.task.label} · ${r.model.alias} (${source}) · ${r.shot}-shot · document ${r.document.id}`,
    ...(r.task.about ? [`Task: ${r.task.about}`] : []),
    section('Document', shorten(r.document.text, 600)),
    ...golds(r).map(([title, body]) => section(title, body)),
    ...(r.thinking ? [section('Thinking (not scored)', shorten(r.thinking, 600))] : []),
    section(
      r.model.provider === 'replay' ? 'Output (replayed)' : 'Output',
      `${r.output === '' ? '(empty)' : r.output}${r.incomplete ? `\n⚠ ${r.incomplete}: scored as an empty output` : ''}`,
    ),
    section('Read as', r.parse.ok ? r.parse.shown : `${r.parse.shown}\n⚠ ${r.parse.problem}`),
    ...(renderMarks(r.comparison) ? [section('Compared', renderMarks(r.comparison)!)] : []),
    ...(r.explanation ? [section('Why this score', explanationText(r.explanation))] : []),
    section('Scores', scoresLine(r)),
  ].join('\n');
}

export function renderScores(rows: ScoreRow[]): string {
  const body = table(
    ['task', 'model', 'shot', 'file', 'n', 'score', 'release'],
    rows.map((r) => [
      r.task,
      r.model,
      /(?:^|\/)(\w+)_shot\.json$/.exec(r.file)?.[1] ?? '',
      r.file,
      String(r.n),
      pct(r.score),
      r.matchesRelease === null ? '(no results file)' : r.matchesRelease ? 'matches' : 'DIFFERS',
    ]),
    // At 80 columns the file's path goes first (task, model and shot name it), then n: one table, never stacked.
    { priority: [5, 4, 4, 1, 2, 5, 3] },
  );
  const compared = rows.filter((r) => r.matchesRelease !== null);
  const agreeing = compared.filter((r) => r.matchesRelease).length;
  return `${body}\n\n${agreeing} of ${compared.length} files that have a results/ file match it on every key (to 1e-4).`;
}

export function renderLeaderboard(board: Leaderboard): string {
  const rows = board.rows.map((r) => [
    `${r.label}${r.provider === 'replay' ? '' : ` (${r.provider})`}`,
    ...r.cells.map((c, i) => (c === null ? '–' : labelled(pct(c), r.otherList?.[i]))),
  ]);
  const relabelled =
    board.labels !== 'paper' ? `, CCA re-scored on the ${board.labels} labels (${OTHER_LIST_MARK})` : '';
  const header = `J-ClinicalBench, ${board.shot}-shot, ×100 (replayed generations, scored by jcb${relabelled})`;
  const none = board.rows.some((r) => r.cells.some((c) => c === null));
  const legend = none ? '\n\n– no score: the model has no generations of that setting' : '';
  return `${header}\n\n${table(['model', ...board.columns.map((c) => c.label)], rows)}\n\n${renderIntervals(board)}${legend}`;
}

/** The 95 % bootstrap intervals of a board's cells, in the same layout. */
export function renderIntervals(board: Leaderboard): string {
  const rows = board.rows.map((r) => [
    r.label,
    ...board.columns.map((_, i) => {
      const iv = r.intervals?.[i];
      return iv ? `${pct(iv.low)}–${pct(iv.high)}` : '–';
    }),
  ]);
  return `95 % intervals (documents resampled 1,000 times, seed 1)\n\n${table(['model', ...board.columns.map((c) => c.label)], rows)}`;
}

export function renderComparison(a: string, b: string, rows: ModelComparison[]): string {
  const body = rows.map((r) => {
    if (!r.result) return [r.task, '0', '–', '–', '–', '–', 'no shared documents'];
    const { result: c } = r;
    const verdict = c.significant ? (c.difference > 0 ? `${a} better` : `${b} better`) : 'no significant difference';
    return [
      r.task,
      String(r.documents),
      pct(c.a),
      pct(c.b),
      `${signedPct(c.difference)}`,
      `${pct(c.interval.low)} to ${pct(c.interval.high)}`,
      verdict,
    ];
  });
  const notes = aboutLines(rows, 'terminal')
    .map((l) => `\n${l}`)
    .join('');
  return `${a} against ${b}, paired bootstrap on the documents both have (×100, 95 %, 1,000 resamples)\n\n${table(['task', 'docs', a, b, 'difference', 'interval', 'verdict'], body)}${notes ? `\n${notes}` : ''}`;
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

/** A task's row of an eval or show table: nothing scored shows `–` and no metrics, never zeros. */
function outcomeRow(
  o: Omit<RunSummary['scores'][number], 'interval' | 'provenance' | 'labels' | 'otherList'> & { otherList?: boolean },
  run: Pick<Run, 'doc_limit' | 'document_set'>,
): string[] {
  const coverage = runCoverage(o, run);
  return [
    o.task,
    String(o.n),
    String(o.failed),
    String(o.parseFailures),
    String(o.noAnswer),
    labelled(showScore(o.score, coverage), o.otherList),
    coverage.n ? formatMetrics(o.metrics) : '(nothing scored)',
  ];
}

/** Where the numbers come from, one line: `provenance: documents mr paper (123) · release f7ea47a`. */
function provenanceLines(scores: readonly { task: string; provenance?: Provenance | null }[]): string[] {
  const line = summarizeProvenance(scores);
  return line ? [`provenance: ${line}`] : [];
}

export function renderEval(result: EvalResult, where: string): string {
  const rows = result.outcomes.map((o) => outcomeRow(o, result.run));
  return [
    `Run ${result.run.id}: ${result.run.model} (${result.run.provider}), ${result.run.shot}-shot${labelsNote(result.run)} — ${result.computed} documents computed now, ${result.cacheHits} from the response cache.`,
    table(['task', 'scored', 'failed', 'unreadable', 'no answer', 'score', 'metrics'], rows),
    ...legendOf(rows.map((r) => r[5])),
    ...provenanceLines(result.outcomes),
    `Stored in ${where}.`,
    ...(result.outcomes.some((o) => o.failed)
      ? [`Failed documents (provider errors) are not in the scores; re-run with --run ${result.run.id} to retry them.`]
      : []),
  ].join('\n');
}

export function renderRuns(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet. Start one with: jcb eval <task|all> <model>';
  const shown = runs.flatMap((r) => r.scores.map((x) => showScore(x.score, runCoverage(x, r.run))));
  const body = table(
    ['run', 'model', 'shot', 'tasks', 'status', 'done', 'failed', 'scores'],
    runs.map((r) => [
      r.run.id,
      r.run.model,
      r.run.shot,
      r.tasks.length > 3 ? `${r.tasks.length} tasks` : r.tasks.join(','),
      shownStatus(r.run),
      String(r.documents.done),
      String(r.documents.failed),
      r.scores.map((s) => `${s.task} ${showScore(s.score, runCoverage(s, r.run))}`).join('  '),
    ]),
  );
  const gone = runs.flatMap((r) => goneStopped(r.run)?.replace(/^/, `${r.run.id} `) ?? []);
  return [body, ...(gone.length ? [gone.join('\n')] : []), ...legendOf(shown, runs)].join('\n\n');
}

export function renderRunSummary(r: RunSummary): string {
  const engine = JSON.parse(r.run.engine) as Record<string, unknown>;
  return [
    `Run ${r.run.id} — ${r.run.model} (${r.run.provider}), ${r.run.shot}-shot, ${shownStatus(r.run)}`,
    ...[goneStopped(r.run) ?? []].flat(),
    `tasks: ${r.tasks.join(', ')}${r.run.doc_limit ? ` (first ${r.run.doc_limit} documents each)` : ''}${labelsNote(r.run)}${shownUnder(r)}`,
    `engine: ${Object.entries(engine)
      // The server as host and path: which one answered matters, its URL scheme does not.
      .map(([k, v]) => `${k}=${k === 'baseUrl' && typeof v === 'string' ? v.replace(/^https?:\/\//, '') : v}`)
      .join(' ')}`,
    `started ${r.run.created_at}, last update ${r.run.updated_at}`,
    `documents: ${r.documents.done} scored (${r.documents.cached} from cache), ${r.documents.failed} failed`,
    ...renderUsage(r),
    '',
    r.scores.length
      ? table(
          ['task', 'scored', 'failed', 'unreadable', 'no answer', 'score', '95 % interval', 'metrics'],
          r.scores.map((s) => {
            const [task, n, failed, unreadable, noAnswer, score, metrics] = outcomeRow(s, r.run);
            const interval = s.interval ? `${pct(s.interval.low)}–${pct(s.interval.high)}` : '–';
            return [task, n, failed, unreadable, noAnswer, score, interval, metrics];
          }),
        )
      : '(no aggregate yet: the run has not finished)',
    ...provenanceLines(r.scores),
    ...legendOf(r.scores.map((s) => labelled('', s.otherList))).filter((l) => l === OTHER_LIST_LEGEND),
    ...(r.failures.length
      ? ['', 'Failures:', ...r.failures.slice(0, 10).map((f) => `  ${f.task} ${f.doc}: ${failureCause(f.error)}`)]
      : []),
  ].join('\n');
}

/**
 * Stored runs beside the paper's models. Only full cells (every planned document of the setting scored)
 * count in a row's rank; partial and --limit cells are shown with their mark and the legend says so.
 */
export function renderRunsLeaderboard(runs: Leaderboard, paper: Leaderboard | undefined): string {
  const coverage = (r: Leaderboard['rows'][number], i: number): Coverage | undefined => r.coverage?.[i] ?? undefined;
  const fullMean = (r: Leaderboard['rows'][number]) => {
    const v = r.cells.filter((c, i): c is number => c !== null && (!coverage(r, i) || isFull(coverage(r, i)!)));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : -1;
  };
  const ranked = [...runs.rows].sort((a, b) => fullMean(b) - fullMean(a));
  const rows = [
    ...ranked.map((r) => [
      r.provider === 'published' ? r.label : `${r.label} (${r.provider})`,
      r.provider === 'published' ? 'published' : 'runs',
      ...r.cells.map((c, i) => labelled(showScore(c, coverage(r, i)), r.otherList?.[i])),
    ]),
    ...(paper?.rows ?? []).map((r) => [
      r.label,
      'paper',
      ...runs.columns.map((_, i) =>
        r.cells[i] === null || r.cells[i] === undefined ? '–' : labelled(pct(r.cells[i]!), r.otherList?.[i]),
      ),
    ]),
  ];
  const relabelled = [...runs.rows, ...(paper?.rows ?? [])].some((r) => r.otherList?.some(Boolean));
  const published = runs.rows.filter((r) => r.provider === 'published').map((r) => `${r.label}: ${r.published}`);
  const header = `J-ClinicalBench, ${runs.shot}-shot, CCA on the ${runs.labels} labels, ×100: stored runs (${STANDING_RULE}), ranked by the mean of their full cells (unmarked), beside the paper's models`;
  // Any mark (`†`, `‡`, or `–` for nothing scored) brings its legend.
  const marked = rows.some((r) => r.slice(2).some((c) => c === '–' || /[†‡]/.test(c)));
  const about = aboutLines(runs.columns, 'terminal');
  return runs.rows.length
    ? `${header}\n\n${table(['model', 'source', ...runs.columns.map((c) => c.label)], rows)}${marked ? `\n\n${COVERAGE_LEGEND}; marked cells are not ranked.` : ''}\n\n${DOCUMENTS_LEGEND}${relabelled ? `\n\n${OTHER_LIST_LEGEND}` : ''}${published.length ? `\n\npublished: results carried by task files, not reproduced by jcb (${published.join('; ')})` : ''}${about.length ? `\n\n${about.join('\n')}` : ''}`
    : `No finished ${runs.shot}-shot runs stored yet: start one with jcb eval <task|all> <model>.${paper ? `\n\n${renderLeaderboard(paper)}` : ''}`;
}

export function renderStatus(runs: RunProgress[]): string {
  if (runs.length === 0)
    return 'No runs under way. `jcb status --all` shows the latest whatever their state; `jcb runs` lists them all.';
  const shown = runs.flatMap((p) => p.scores.map((x) => showScore(x.score, runCoverage(x, p.run))));
  const text = runs
    .map((p) => {
      const planned = p.planned ?? p.done + p.failed;
      const head = `Run ${p.run.id} — ${p.run.model}, ${p.run.shot}-shot, ${shownStatus(p.run)}`;
      const bar = `[${progressBar(p.done, p.failed, planned)}] ${settledOf(p.done, p.failed, planned)} (${p.failed} failed), ${duration(p.elapsedMs)} so far${p.stalledSince ? `, stalled since ${p.stalledSince.slice(0, 19).replace('T', ' ')} UTC` : p.etaMs !== undefined ? `, about ${duration(p.etaMs)} left` : ''}`;
      // Why it is not moving, in place of an ETA (the service gives none then).
      const gone = goneStopped(p.run);
      const cause = gone ? [`  ${gone}`] : p.cause ? [`  not moving: ${forPeople(p.cause, 'terminal')}`] : [];
      const scores = p.scores.map((s) => {
        const before = p.previous[s.task];
        const change = before === undefined || !s.n ? '' : ` (${signedPct(s.score - before)} since the previous run)`;
        return `  ${s.task} ${showScore(s.score, runCoverage(s, p.run))}${change}`;
      });
      // A queued run stopped at its --max-cost: what it spent, and the command that resumes it.
      const b = p.run.status === 'interrupted' ? p.budget : undefined;
      const spec = {
        task: b?.task ?? '',
        model: p.run.model,
        shot: p.run.shot as Shot,
        limit: p.run.doc_limit ?? undefined,
      };
      const stopped = b
        ? [budgetStopped(b.maxCostUsd, b.spentUsd, p.done, p.planned, resumeCommand(spec, p.run.id))]
        : [];
      return [head, bar, ...cause, ...stopped, ...scores].join('\n');
    })
    .join('\n\n');
  return [text, ...legendOf(shown, runs)].join('\n\n');
}

export function renderDigests(digests: Digest[], schedulesFile = 'data/schedules.yml'): string {
  if (digests.length === 0) return `No schedules in ${schedulesFile}.`;
  return digests
    .map((d) => {
      const rows = d.rows.map((r) => [
        r.model,
        r.task,
        showScore(r.score, r.coverage ?? undefined),
        r.interval ? `${pct(r.interval.low)}–${pct(r.interval.high)}` : '',
        r.change === null ? '' : signedPct(r.change),
        r.regression ? 'REGRESSION' : '',
        r.run ?? '',
      ]);
      const failed = d.failedRuns.map(
        (f) => `  failed: ${f.run} (${f.model}, ${f.status}, ${f.failed} documents failed)`,
      );
      return [
        `Digest ${d.schedule} (${d.shot}-shot, CCA on the ${d.labels} labels, to ${d.channel}), change since ${d.since ?? 'the first digest'}${d.previousLabels && d.previousLabels !== d.labels ? ` (CCA's change on the ${d.previousLabels} labels, as that digest was)` : ''}`,
        table(['model', 'task', 'score', '95 % interval', 'change', '', 'run'], rows),
        ...failed,
        ...provenanceLines(d.rows),
        ...aboutLines(d.rows, 'terminal'),
        COVERAGE_LEGEND,
      ].join('\n');
    })
    .join('\n\n');
}

export function renderRatings(r: RatingsReport): string {
  const num = (x: number | null) => (x === null ? '–' : x.toFixed(2));
  const rows = r.rows.map((row) => [row.task, row.group, String(row.n), ...CRITERIA.map((c) => num(row.means[c]))]);
  const alpha = CRITERIA.map((c) => `${c} ${num(r.alpha[c])}`).join('  ');
  return `${table(['task', 'model', 'n', ...CRITERIA], rows)}\n\nKrippendorff's alpha (ordinal), ${r.shared} outputs rated by two raters or more: ${alpha}`;
}

export function renderCorrelation(
  c: Record<Criterion, { judge: number | null; rougeL: number | null; n: number }>,
): string {
  const num = (x: number | null) => (x === null ? '–' : x.toFixed(3));
  return `Spearman correlation with the human ratings\n\n${table(
    ['criterion', 'outputs', 'LLM judge', 'ROUGE-L'],
    CRITERIA.map((k) => [k, String(c[k].n), num(c[k].judge), num(c[k].rougeL)]),
  )}`;
}
