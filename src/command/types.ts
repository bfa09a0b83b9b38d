// What a parsed command is: the one shape both faces (terminal and Slack) act on.
import type { LabelVersion } from '../release/views.js';
import type { Shot } from '../tasks/types.js';
import type { DocumentSet } from '../tasks/documents.js';

export type Command =
  /** `help [<command>]`, `<command> --help`, `-h`: every command, or `command` in full. */
  | { kind: 'help'; command?: string }
  /** `--version`: package.json's version. */
  | { kind: 'version' }
  | { kind: 'tasks'; json: boolean }
  /** `tasks check FILE`: every problem of that task file, nothing run. */
  | { kind: 'tasks-check'; file: string }
  /** `models [<alias>]`: the registry; with an alias, that one model's exact request. */
  | { kind: 'models'; json: boolean; alias?: string }
  | { kind: 'models-add'; alias: string; entry: Record<string, unknown> }
  | { kind: 'run'; task: string; model: string; doc: string; shot: Shot; json: boolean }
  | {
      kind: 'score';
      target?: string;
      /** `--labels`: CCA's gold version (src/release/views.ts); absent: not given (the default, `paper`). */
      labels?: LabelVersion;
      json: boolean;
      /** `-o/--output PATH`: also write the rows there (JSON, CSV or Markdown by extension; `-`: standard output). */
      output?: string;
      /** What `-` (standard output) gets, set when a file option is `-` (build.ts: --format, JSON with --json, or its first format). */
      format?: string;
    }
  | {
      kind: 'leaderboard';
      shot: Shot;
      labels?: LabelVersion;
      source: 'paper' | 'runs';
      json: boolean;
      /** Slack: the channel to post it to, with its chart. */
      post?: string;
      /** Terminal: the file to write the chart to; PNG or SVG by its extension; `-`: standard output. */
      chart?: string;
      /** Which chart: bars with intervals (the terminal's default), or a models × settings heatmap. */
      view?: 'bars' | 'heatmap';
      /** `-o/--output PATH`: also write the board there (JSON, CSV or Markdown by extension; `-`: standard output). */
      output?: string;
      /** What `-` (standard output) gets, set when a file option is `-` (build.ts: --format, JSON with --json, or its first format). */
      format?: string;
      includePrivate?: boolean;
    }
  | {
      kind: 'eval';
      task: string;
      model: string;
      shot: Shot;
      labels?: LabelVersion;
      limit?: number;
      /** `--documents`: the paper's documents (default) or every row; undefined when not given (a resumed run keeps its own). */
      documents?: DocumentSet;
      concurrency?: number;
      runId?: string;
      noCache: boolean;
      /** In the background, through the queue and its workers. */
      queue: boolean;
      json: boolean;
      /** `--dry-run`: show documents, requests and the cost estimate; send nothing. */
      dryRun?: boolean;
      /** `--max-cost USD`: stop before the estimated cost in US dollars exceeds it. */
      maxCost?: number;
      /** `--log-samples PATH`: one JSONL line per document (id, prompt hash, output, parsed answer, scores). */
      logSamples?: string;
      /** `-o/--output PATH`: also write the scores there (JSON, CSV or Markdown by extension; `-`: standard output). */
      output?: string;
      /** What `-` (standard output) gets, set when a file option is `-` (build.ts: --format, JSON with --json, or its first format). */
      format?: string;
      /** `--include-private`: files may hold a private task's data (src/policy/data-policy.ts). */
      includePrivate?: boolean;
    }
  | { kind: 'worker'; concurrency?: number }
  | { kind: 'status'; runId?: string; all: boolean; json: boolean }
  | { kind: 'cancel'; runId: string }
  | { kind: 'digest'; schedule?: string; json: boolean; labels?: LabelVersion }
  | {
      kind: 'compare';
      a: string;
      b: string;
      task?: string;
      shot: Shot;
      labels?: LabelVersion;
      json: boolean;
      /** `-o/--output PATH`: also write the comparison there (JSON, CSV or Markdown by extension; `-`: standard output). */
      output?: string;
      /** What `-` (standard output) gets, set when a file option is `-` (build.ts: --format, JSON with --json, or its first format). */
      format?: string;
      includePrivate?: boolean;
    }
  | { kind: 'ratings'; task?: string; byModel: boolean; batch: boolean; correlate: boolean; json: boolean }
  | { kind: 'judge'; runId: string; judge?: string }
  | { kind: 'runs'; json: boolean }
  | { kind: 'show'; runId: string; json: boolean; labels?: LabelVersion }
  | { kind: 'export'; runId: string; dir: string; includePrivate?: boolean }
  /** `data pull [<pack>]`: the release, or a pack by name. */
  | { kind: 'data-pull'; dir?: string; pack?: string }
  | { kind: 'data-check'; json: boolean }
  /** `doctor`: where the release, store, model registry and Redis are, and whether each works. */
  | { kind: 'doctor'; json: boolean }
  /** `audit [--json]`: who sent free text to which model, when, with what findings (never the text). */
  | { kind: 'audit'; json: boolean }
  /** `phi [FILE|-] [--json]`: the personal-information check of a file or of standard input (absent or `-`). */
  | { kind: 'phi'; file?: string; json: boolean }
  /** `ask <task> <model> [TEXT|-] [--masked] [--json]`: free text from a terminal (absent or `-`: standard input). */
  | { kind: 'ask'; task: string; model: string; text?: string; masked: boolean; json: boolean }
  | { kind: 'bot' };
