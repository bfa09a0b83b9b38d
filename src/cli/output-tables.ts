// What each command writes with `-o`: its JSON value, and the grid CSV and Markdown show (scores ×100, one
// decimal, as on screen) with the context the numbers stand on.
import { loadManifest } from '../release/manifest.js';
import { summarizeProvenance } from '../evaluation/provenance.js';
import type { Leaderboard } from '../leaderboard/board.js';
import type { EvalResult } from '../evaluation/engine.js';
import type { ModelComparison } from '../services/compare.js';
import type { ScoreRow } from '../services/score.js';
import { aboutLines } from '../tasks/task-file/about.js';
import type { Shot } from '../tasks/types.js';
import { score100, type Tabular } from './output.js';
import { runJson } from './render-more.js';

/** The release the numbers are computed on: the commit its manifest was built from (short), or `unknown`. */
function release(): string {
  try {
    return loadManifest(process.env).commit.slice(0, 12);
  } catch {
    return 'unknown';
  }
}

const shotWords = (shot: Shot) => `${shot}-shot`;

/** A declared task's source and licence with the numbers: a leading CSV column, the Markdown caption. */
function sources(items: readonly { id?: string; task?: string; about?: string }[]): Record<string, string> {
  const lines = aboutLines(items, 'terminal');
  return lines.length ? { 'source and licence': lines.join('; ') } : {};
}

/** A runs board's cells' labels, document sets and release commits, each said once (summarizeProvenance). */
function cellsProvenance(board: Leaderboard): string {
  const cells = board.rows.flatMap((r) =>
    (r.provenance ?? []).map((provenance, i) => ({ task: board.columns[i].id, provenance })),
  );
  return summarizeProvenance(cells) || 'none recorded';
}

/** `jcb leaderboard -o`: Table 4's grid, one row a model, with what its numbers stand on. */
export function boardTable(board: Leaderboard): Tabular {
  return {
    json: board,
    context: {
      shot: shotWords(board.shot),
      source: board.source,
      scale: '×100',
      release: release(),
      labels: `CCA ${board.labels}`,
      documents: board.source === 'paper' ? "the paper's" : cellsProvenance(board),
      ...sources(board.columns),
    },
    header: ['model', ...board.columns.map((c) => c.label)],
    rows: board.rows.map((r) => [r.label, ...r.cells.map(score100)]),
  };
}

/** `jcb score -o`: one row a generation file (its shot is in its name), and whether it matches the release. */
export function scoreTable(rows: ScoreRow[], json: unknown, target: string | undefined): Tabular {
  return {
    json,
    context: { source: target ?? 'release generations', scale: '×100', release: release() },
    header: ['task', 'model', 'file', 'n', 'score', 'matches_release'],
    rows: rows.map((r) => [
      r.task,
      r.model,
      r.file,
      r.n,
      score100(r.score),
      r.matchesRelease === null ? null : String(r.matchesRelease),
    ]),
  };
}

/** `jcb compare -o`: one row a setting, both models' scores, the difference and its interval. */
export function comparisonTable(a: string, b: string, shot: Shot, rows: ModelComparison[]): Tabular {
  return {
    json: rows,
    context: { shot: shotWords(shot), scale: '×100', release: release(), ...sources(rows) },
    header: ['task', 'documents', a, b, 'difference', 'low', 'high', 'significant'],
    rows: rows.map((r) => [
      r.task,
      r.documents,
      score100(r.result?.a),
      score100(r.result?.b),
      score100(r.result?.difference),
      score100(r.result?.interval.low),
      score100(r.result?.interval.high),
      r.result ? String(r.result.significant) : null,
    ]),
  };
}

/** `jcb eval -o`: one row a setting of the run. */
export function evalTable(result: EvalResult, shot: Shot): Tabular {
  return {
    json: runJson(result), // as `show --json` gives the run: tasks and engine as JSON values
    context: {
      run: result.run.id,
      model: result.run.model,
      shot: shotWords(shot),
      scale: '×100',
    },
    // Each number's provenance (issue 22): labels, document set and count, the release commit its run read.
    header: ['task', 'scored', 'failed', 'unreadable', 'no answer', 'score', 'labels', 'documents', 'count', 'release'],
    rows: result.outcomes.map((o) => [
      o.task,
      o.n,
      o.failed,
      o.parseFailures,
      o.noAnswer,
      o.n ? score100(o.score) : null,
      o.provenance.labels,
      o.provenance.documents.set,
      o.provenance.documents.count,
      o.provenance.releaseCommit,
    ]),
  };
}
