// The shape of Table 4 (the leaderboard), shared by the service that computes it and the chart that draws it.
import type { Coverage } from './coverage.js';
import type { Provenance } from '../evaluation/provenance.js';
import type { Interval } from '../metrics/bootstrap.js';
import type { Provider } from '../models/registry.js';
import type { LabelVersion } from '../release/views.js';
import type { Shot } from '../tasks/types.js';

export interface LeaderboardRow {
  model: string;
  label: string;
  /** `published`: a task file's reference results, not reproduced by jcb. */
  provider: Provider | 'published';
  /** For published rows: where the numbers were published. */
  published?: string;
  /** One cell per task, in `columns` order; null where there is no score. */
  cells: (number | null)[];
  /** For stored runs: the run each cell comes from. */
  runs?: (string | null)[];
  /** 95 % bootstrap interval of each cell (documents resampled, seed 1, 1,000 resamples). */
  intervals?: (Interval | null)[];
  /** For stored runs: tokens and cost of each cell's run on that task (cost null without prices). */
  usage?: (TokenCost | null)[];
  /** For stored runs: the documents each cell stands on (n of planned, a --limit, every row). */
  coverage?: (Coverage | null)[];
  /** Cells re-scored under other labels than the options the model was offered (OTHER_LIST_MARK). */
  otherList?: boolean[];
  /** For stored runs: each cell's labels, document set and release commit. */
  provenance?: (Provenance | null)[];
}

export interface TokenCost {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
  costUsd: number | null;
}

export interface Leaderboard {
  shot: Shot;
  source: 'paper' | 'runs';
  /** CCA's gold version the board is computed under (src/release/views.ts). */
  labels: LabelVersion;
  /** `about`: a declared task's source and licence (aboutTask), absent for the paper's settings. */
  columns: { id: string; label: string; about?: string; private?: boolean }[];
  rows: LeaderboardRow[];
}
