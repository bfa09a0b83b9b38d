// A thread of the services' pool (src/base/pool.ts): the CPU-bound work of the faces runs here, off the event
// loop (issue 28). The tokenizer's dictionary is the pool's shared table (one copy for every thread). What only
// some tasks need (the chart renderer, Vega and resvg: ~70 MB; the detector and its dictionary; the task
// registry, the task files and the scorers) is imported by the first task that needs it, so that a thread that
// only tokenizes (the bot's `/jcb run`) holds none of it, and all of it leaves with the thread when it ends idle.
// A thread that drew a chart ends seconds after its last task (the pool's `heavyTasks`), not 30 s.
import { serveTasks, sharedTable, threadData } from '../base/pool.js';
import type { FileScore, FileToScore } from '../evaluation/score-file.js';
import type { Leaderboard } from '../leaderboard/board.js';
import type { ChartView } from '../leaderboard/vega.js';
import { createRougeTokenizer } from '../metrics/tokenizer/index.js';
import { useIpadic, type Ipadic } from '../metrics/tokenizer/ipadic.js';
import type { Detector } from '../privacy/detect.js';
import type { PoolThreadData } from './services-pool.js';

const { env, warmScorers } = threadData<PoolThreadData>();
useIpadic(() => sharedTable<Ipadic>('ipadic'));
// This thread is the parallelism: its tokenizer works in place, never on threads of its own.
const tokenizer = createRougeTokenizer({ threads: 0 });
let detector: Promise<Detector> | undefined;

/** The task files as they are now (edited or pulled since this thread started), when a declared task is among `ids`. */
async function declaredTasks(ids: readonly string[]): Promise<void> {
  const { TASKS_BY_ID, useTaskFiles } = await import('../../tasks/index.js');
  if (ids.some((id) => !TASKS_BY_ID.has(id))) useTaskFiles(env);
}

export const poolTasks = {
  /** The tokenizer's dictionary (the pool's shared one), before the first score needs it; the scorers too, if asked. */
  async warm(): Promise<void> {
    await tokenizer.tokenize(['温度'], false);
    if (warmScorers) await import('../evaluation/score-file.js');
  },
  async chart(board: Leaderboard, view: ChartView, format: 'png' | 'svg') {
    await declaredTasks(board.columns.map((c) => c.id));
    return (await import('../leaderboard/vega.js')).leaderboardChart(board, view, format);
  },
  async detect(text: string) {
    detector ??= import('../privacy/facility-list.js').then((m) => m.configuredDetector(env));
    return (await detector)(text);
  },
  /** `keep`: one flag a text (the gold texts of the callers' batches cached, their outputs not). */
  tokenize: (texts: readonly string[], keep: readonly boolean[]) => tokenizer.tokenize(texts, keep),
  /** Files of one task (scoreFilesAt). The task files (and the packs' data: ~0.5 s, ~15 MB) only for a declared task. */
  async scoreFiles(files: readonly FileToScore[]): Promise<FileScore[]> {
    await declaredTasks(files.map(([taskId]) => taskId));
    return (await import('../evaluation/score-file.js')).scoreFilesAt(files);
  },
};

serveTasks(poolTasks);
