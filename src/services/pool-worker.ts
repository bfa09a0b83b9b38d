// A thread of the services' pool (src/base/pool.ts): the CPU-bound work of the faces runs here, off the event
// loop (issue 28). Each thread keeps its own tokenizer, detector and renderer, loaded by `warm` when it starts.
import { serveTasks, threadData } from '../base/pool.js';
import { scoreFileAt } from '../evaluation/score-file.js';
import type { Leaderboard } from '../leaderboard/board.js';
import { leaderboardChart, type ChartView } from '../leaderboard/vega.js';
import { createRougeTokenizer } from '../metrics/tokenizer/index.js';
import { configuredDetector } from '../privacy/facility-list.js';
import { useTaskFiles } from '../../tasks/index.js';

const { env } = threadData<{ env: NodeJS.ProcessEnv }>();
useTaskFiles(env);
// This thread is the parallelism: its tokenizer works in place, never on threads of its own.
const tokenizer = createRougeTokenizer({ threads: 0 });
const scoring = { tokenize: (texts: readonly string[]) => tokenizer.tokenize(texts) };
const detect = configuredDetector(env);

/** A board of one cell: enough to load Vega, resvg and the fonts. */
const tinyBoard: Leaderboard = {
  shot: 'one',
  source: 'paper',
  labels: 'paper',
  columns: [{ id: 'mr', label: 'MR' }],
  rows: [{ model: 'm', label: 'm', provider: 'replay', cells: [0.5] }],
};

export const poolTasks = {
  /** Renderer, fonts and both dictionaries loaded once, before the first request needs them. */
  async warm(): Promise<void> {
    await leaderboardChart(tinyBoard, 'heatmap', 'png');
    await tokenizer.tokenize(['温度']);
    // An unreadable facility list is reported by the check that needs it, not here.
    await detect('温度').catch(() => []);
  },
  chart: (board: Leaderboard, view: ChartView, format: 'png' | 'svg') => leaderboardChart(board, view, format),
  detect: (text: string) => detect(text),
  tokenize: (texts: readonly string[]) => tokenizer.tokenize(texts),
  scoreFile: (taskId: string, file: string, interval: boolean) => scoreFileAt(taskId, file, scoring, interval),
};

serveTasks(poolTasks);
