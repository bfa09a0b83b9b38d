// The App Home tab: leaderboards, the person's recent runs, how to use the bot.
import type { KnownBlock } from '@slack/types';
import type { Leaderboard } from '../../src/services/index.js';
import { commandSections } from './help.js';
import { aboutBlocks, boardTable } from './tables.js';
import { STANDING_RULE } from '../../src/leaderboard/coverage.js';
import { code, context, fitItems, header, LIMITS, pct, section } from './text.js';
import { privateNote } from './private-note.js';
import { ASK_OPERATOR } from '../../src/base/shown.js';

export interface HomeData {
  paper?: Leaderboard;
  runs?: Leaderboard;
  /** The paper's models with CCA re-scored on the release's re-reviewed labels (`--labels reviewed`). */
  reviewed?: Leaderboard;
  recent: {
    task: string;
    model: string;
    shot: string;
    doc_id: string;
    score: number | null;
    created_at: string;
    /** The task is private: a line says where its text is. */
    private?: boolean;
  }[];
}

/** CCA of the paper's models on both label versions, one line (`/jcb leaderboard --labels reviewed`: the board). */
function reviewedLine(paper: Leaderboard, reviewed: Leaderboard): string {
  const i = paper.columns.findIndex((c) => c.id === 'cca');
  const cell = (b: Leaderboard, r: number) => (b.rows[r]?.cells[i] == null ? '–' : pct(b.rows[r].cells[i]!));
  const models = paper.rows.map((r, n) => `${r.label} ${cell(paper, n)} → ${cell(reviewed, n)}`);
  return `CCA on the paper's labels → re-scored on the re-reviewed data.csv (\`/jcb leaderboard --labels reviewed\`): ${models.join(' · ')}`;
}

export function homeView(d: HomeData): { type: 'home'; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    header('J-ClinicalBench'),
    ...commandSections(),
    { type: 'divider' },
    section("*The paper's models* (one-shot, ×100, recomputed from their released generations)"),
    d.paper ? code(boardTable(d.paper)) : context(`The release is not available to this bot${ASK_OPERATOR}.`),
    ...(d.paper && d.reviewed ? [context(reviewedLine(d.paper, d.reviewed))] : []),
    section(`*Our runs* (${STANDING_RULE})`),
    ...(d.runs?.rows.length
      ? [code(boardTable(d.runs)), ...aboutBlocks(d.runs.columns), ...privateNote(d.runs.columns)]
      : [context('No finished runs yet.')]),
    { type: 'divider' },
    section('*Your recent runs*'),
    d.recent.length
      ? code(
          d.recent
            .map(
              (r) =>
                `${r.created_at.slice(0, 16).replace('T', ' ')}  ${r.task} ${r.model} ${r.shot}-shot ${r.doc_id}  ${r.score === null ? '' : pct(r.score)}`,
            )
            .join('\n'),
        )
      : context('None yet: try `/jcb run mr llm-jp`.'),
    ...privateNote(d.recent),
  ];
  return {
    type: 'home',
    blocks: fitItems(
      blocks.map((b) => [b]),
      { max: LIMITS.homeBlocks, maxText: Infinity, noun: 'parts' },
    ),
  };
}
