// The App Home tab: leaderboards, the person's recent runs, how to use the bot.
import type { KnownBlock } from '@slack/types';
import type { Leaderboard } from '../../src/services/index.js';
import { commandSections } from './help.js';
import { aboutBlocks, boardTable } from './tables.js';
import { code, context, header, LIMITS, pct, section } from './text.js';

export interface HomeData {
  paper?: Leaderboard;
  runs?: Leaderboard;
  recent: { task: string; model: string; shot: string; doc_id: string; score: number | null; created_at: string }[];
}

export function homeView(d: HomeData): { type: 'home'; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    header('J-ClinicalBench'),
    ...commandSections(),
    { type: 'divider' },
    section("*The paper's models* (one-shot, ×100, recomputed from their released generations)"),
    d.paper ? code(boardTable(d.paper)) : context('The release is not available to this bot (JCB_DATA_DIR).'),
    section('*Our runs* (latest finished run per model and setting)'),
    ...(d.runs?.rows.length ? [code(boardTable(d.runs)), ...aboutBlocks(d.runs.columns)] : [context('No finished runs yet.')]),
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
  ];
  return { type: 'home', blocks: blocks.slice(0, LIMITS.homeBlocks) };
}
