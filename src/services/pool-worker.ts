// A thread of the services' pool (src/base/pool.ts): the CPU-bound work of the faces runs here, off the event
// loop (issue 28). The tokenizer's dictionary is the pool's shared table (one copy for every thread); the chart
// renderer (Vega, resvg: ~70 MB), the detector's dictionary and the task files load in the thread that first
// needs them, and leave with it when it ends idle.
import { serveTasks, sharedTable, threadData } from '../base/pool.js';
import { scoreFilesAt, type FileScore, type FileToScore } from '../evaluation/score-file.js';
import type { Leaderboard } from '../leaderboard/board.js';
import type { ChartView } from '../leaderboard/vega.js';
import { createRougeTokenizer } from '../metrics/tokenizer/index.js';
import { useIpadic, type Ipadic } from '../metrics/tokenizer/ipadic.js';
import { configuredDetector } from '../privacy/facility-list.js';
import { TASKS_BY_ID, useTaskFiles } from '../../tasks/index.js';

const { env } = threadData<{ env: NodeJS.ProcessEnv }>();
useIpadic(() => sharedTable<Ipadic>('ipadic'));
// This thread is the parallelism: its tokenizer works in place, never on threads of its own.
const tokenizer = createRougeTokenizer({ threads: 0 });
const detect = configuredDetector(env);

export const poolTasks = {
  /** The tokenizer's dictionary (the pool's shared one), before the first score needs it. */
  async warm(): Promise<void> {
    await tokenizer.tokenize(['温度']);
  },
  // The task files as they are now (edited or pulled since this thread started), only for a declared task's column.
  chart: async (board: Leaderboard, view: ChartView, format: 'png' | 'svg') => {
    if (board.columns.some((c) => !TASKS_BY_ID.has(c.id))) useTaskFiles(env);
    return (await import('../leaderboard/vega.js')).leaderboardChart(board, view, format);
  },
  detect: (text: string) => detect(text),
  tokenize: (texts: readonly string[]) => tokenizer.tokenize(texts),
  /** Files of one task (scoreFilesAt). The task files (and the packs' data: ~0.5 s, ~15 MB) only for a declared task. */
  scoreFiles(files: readonly FileToScore[]): Promise<FileScore[]> {
    if (files.some(([taskId]) => !TASKS_BY_ID.has(taskId))) useTaskFiles(env);
    return scoreFilesAt(files);
  },
};

serveTasks(poolTasks);
