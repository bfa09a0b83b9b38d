// CCA's label versions as the terminal shows them (issue 22): the mark of a re-scored number, what a run sent.
import { DEFAULT_LABELS, LABEL_FILES, OTHER_LIST_LEGEND, OTHER_LIST_MARK } from '../release/views.js';
import { UNLOADED_NOTE } from '../evaluation/documents.js';
import { operatorFixFor } from '../base/shown.js';
import { COVERAGE_LEGEND } from '../leaderboard/coverage.js';
import type { RunResult, RunSummary } from '../services/index.js';

/** A score as shown, with OTHER_LIST_MARK when it is re-scored under other labels than its run's. */
export const labelled = (shown: string, otherList: boolean | undefined) =>
  otherList ? `${shown}${OTHER_LIST_MARK}` : shown;

/** What CCA list a run sent and was scored on (`, CCA labels: paper`); nothing for a run without CCA. */
export const labelsNote = (run: { label_version: string | null }) =>
  run.label_version ? `, CCA labels: ${run.label_version}` : '';

/** The labels a summary's CCA score is shown under, when they are not the run's own. */
export function shownUnder(r: RunSummary): string {
  const other = r.scores.find((s) => s.otherList);
  return other ? ` (shown under ${other.labels}, re-scored: ${OTHER_LIST_MARK})` : '';
}

/**
 * A run's gold sections (title, body): one, or where the document's gold differs under the other label version
 * (CCA), the scored one named by its labels and the other one with the same output's score under it.
 */
export function golds(r: RunResult): [string, string][] {
  if (!r.otherGold) return [['Gold', r.gold]];
  const { labels, gold, score } = r.otherGold;
  const { file, released } = LABEL_FILES[labels];
  return [
    [`Gold (${DEFAULT_LABELS} labels, scored)`, r.gold],
    [
      `Gold (${labels} labels: ${file}, ${released})`,
      `${gold}\n(the same output scores ${r.task.metric} ${(score * 100).toFixed(1)} under these labels)`,
    ],
  ];
}

/**
 * The legends, as last lines: a line naming `runs`' tasks not declared now (UNLOADED_NOTE), then one per mark
 * any of `scores` carries (`–`, `†`, `‡`, `§`, OTHER_LIST_MARK); else nothing.
 */
export function legendOf(scores: readonly string[], runs: readonly { unloaded?: string[] }[] = []): string[] {
  const unloaded = [...new Set(runs.flatMap((r) => r.unloaded ?? []))];
  return [
    ...(unloaded.length ? [operatorFixFor(`${unloaded.join(', ')}: ${UNLOADED_NOTE}`, 'terminal')] : []),
    ...(scores.some((x) => x === '–' || /[†‡§]/.test(x)) ? [COVERAGE_LEGEND] : []),
    ...(scores.some((x) => x.includes(OTHER_LIST_MARK)) ? [OTHER_LIST_LEGEND] : []),
  ];
}
