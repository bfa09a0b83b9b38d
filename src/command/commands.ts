// The declarative table of jcb's commands: the grammar parses from it, and every help text (terminal `--help`,
// `jcb help`, Slack's `/jcb help` and App Home) is generated from it. Adding a flag is one entry here.

/** Where a command or option works: both faces, the terminal only, or Slack only. */
export type Face = 'both' | 'terminal' | 'slack';

/** What a token names: task and model tokens are read after NFKC; `text` is taken exactly as typed. */
export type TokenKind = 'task' | 'model' | 'text';

export interface PositionalSpec {
  /** As shown in usage lines, e.g. `<task>` or `<doc-id>|random|all`. */
  shown: string;
  optional?: boolean;
  kind?: TokenKind;
}

export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  /** A one-letter alias, without `-`. */
  short?: string;
  /** The value's placeholder (`N`, `PATH`); absent for a flag. */
  value?: string;
  /** The only values accepted (compared case-insensitively, after NFKC). */
  choices?: readonly string[];
  kind?: TokenKind;
  description: string;
  faces?: Face;
}

export interface CommandSpec {
  /** As typed: one word, or two for sub-commands (`data pull`). */
  name: string;
  summary: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  /** Typed after `jcb ` (or `/jcb `). */
  examples: string[];
  faces: Face;
}

const SHOT: OptionSpec = {
  name: 'shot',
  value: 'one|zero',
  choices: ['one', 'zero'],
  description: 'One-shot (the default, as Table 4) or zero-shot prompts.',
};
const JSON_FLAG: OptionSpec = {
  name: 'json',
  description: 'Print JSON (0–1 values, the release keys).',
  faces: 'terminal',
};
const OUTPUT: OptionSpec = {
  name: 'output',
  short: 'o',
  value: 'PATH',
  description: 'Also write the result to PATH: JSON, CSV or Markdown by its extension.',
  faces: 'terminal',
};
const TASK: PositionalSpec = { shown: '<task>', kind: 'task' };
const MODEL: PositionalSpec = { shown: '<model>', kind: 'model' };
const RUN: PositionalSpec = { shown: '<run>', kind: 'text' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'One document: gold, output and scores (`all`: every document, in the background).',
    positionals: [TASK, MODEL, { shown: '<doc-id>|random|all', optional: true, kind: 'text' }],
    options: [SHOT, JSON_FLAG],
    examples: ['run mr llm-jp', 'run DC-TMN gpt-5 random --shot zero'],
    faces: 'both',
  },
  {
    name: 'eval',
    summary: 'Evaluate a model on a task (or all) and store the run.',
    positionals: [{ shown: '<task|all>', kind: 'task' }, MODEL],
    options: [
      SHOT,
      { name: 'limit', value: 'N', description: 'Only the first N documents of each task.' },
      { name: 'concurrency', value: 'N', description: 'Documents in flight at once.' },
      { name: 'run', value: 'ID', description: 'Resume the run ID (its finished documents are kept).' },
      { name: 'no-cache', description: 'Ask the model again instead of reusing cached generations.' },
      { name: 'queue', description: 'Run in the background through the queue and its workers.', faces: 'terminal' },
      { name: 'dry-run', description: 'Show the documents, calls, tokens and cost estimate; send nothing.' },
      { name: 'max-cost', value: 'USD', description: 'Stop cleanly once USD has been spent (resume with --run).' },
      {
        name: 'log-samples',
        value: 'PATH',
        description: 'Write one JSONL line per document (id, prompt hash, output, parsed answer, scores).',
        faces: 'terminal',
      },
      OUTPUT,
      JSON_FLAG,
    ],
    examples: ['eval mr llm-jp --limit 5', 'eval all baseline --shot zero'],
    faces: 'both',
  },
  {
    name: 'status',
    summary: 'Evaluations under way, or one run.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ ...RUN, shown: '[<run>]', optional: true }],
    options: [JSON_FLAG],
    examples: ['status'],
    faces: 'both',
  },
  {
    name: 'cancel',
    summary: 'Cancel a run: waiting documents dropped, finished ones kept.',
    positionals: [RUN],
    options: [],
    examples: ['cancel r-20261129-1'],
    faces: 'both',
  },
  {
    name: 'leaderboard',
    summary: "The paper's Table 4 recomputed from its generations, or our stored runs.",
    positionals: [],
    options: [
      SHOT,
      { name: 'source', value: 'paper|runs', choices: ['paper', 'runs'], description: 'The release or our runs.' },
      { name: 'post', value: '#channel', description: 'Post the board and its chart to a channel.', faces: 'slack' },
      {
        name: 'chart',
        value: 'FILE.png|FILE.svg',
        description: 'Write the chart to FILE (PNG or SVG by extension).',
        faces: 'terminal',
      },
      {
        name: 'view',
        value: 'bars|heatmap',
        choices: ['bars', 'heatmap'],
        description: 'The chart: bars with intervals, or a models × settings heatmap.',
      },
      OUTPUT,
      JSON_FLAG,
    ],
    examples: ['leaderboard', 'leaderboard --source runs --shot zero'],
    faces: 'both',
  },
  {
    name: 'compare',
    summary: 'Two models side by side, per task, with the change and its interval.',
    positionals: [
      { shown: '<model-a>', kind: 'model' },
      { shown: '<model-b>', kind: 'model' },
      // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
      { shown: '[<task>]', optional: true, kind: 'task' },
    ],
    options: [SHOT, OUTPUT, JSON_FLAG],
    examples: ['compare gpt-4o llm-jp', 'compare gpt-4o llm-jp mr'],
    faces: 'both',
  },
  {
    name: 'digest',
    summary: 'The scheduled digests of recent runs.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<schedule>]', optional: true, kind: 'text' }],
    options: [JSON_FLAG],
    examples: ['digest nightly'],
    faces: 'both',
  },
  {
    name: 'ratings',
    summary: "Clinicians' ratings of outputs: summaries, a batch to rate, or the correlation with metrics.",
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<task>]', optional: true, kind: 'task' }],
    options: [
      { name: 'by', value: 'model', choices: ['model'], description: 'One row per model.' },
      { name: 'batch', description: 'Rate outputs of <task> one by one.', faces: 'slack' },
      { name: 'correlate', description: 'Spearman correlation of the ratings with the LLM judge and ROUGE-L.' },
      JSON_FLAG,
    ],
    examples: ['ratings hs-pn --by model', 'ratings hs-pn --batch'],
    faces: 'both',
  },
  {
    name: 'judge',
    summary: "Score a run's outputs with an LLM judge, stored beside ROUGE-L.",
    positionals: [RUN],
    options: [{ name: 'judge', value: 'MODEL', kind: 'model', description: 'The judging model.' }],
    examples: ['judge r-20261129-1 --judge gpt-4o'],
    faces: 'both',
  },
  {
    name: 'tasks',
    summary: 'The tasks (the paper’s settings and declared task files) with their labels, metrics and sources.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['tasks'],
    faces: 'both',
  },
  {
    name: 'tasks check',
    summary: 'Check task files (YAML) and report every problem, one line each; runs nothing.',
    positionals: [{ shown: '<file>', kind: 'text' }],
    options: [],
    examples: ['tasks check my-tasks/discharge.yml'],
    faces: 'terminal',
  },
  {
    name: 'models',
    summary: 'The models that can be used; with an alias, that model’s exact request.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<alias>]', optional: true, kind: 'model' }],
    options: [JSON_FLAG],
    examples: ['models', 'models gpt-4o-live'],
    faces: 'both',
  },
  {
    name: 'models add',
    summary: 'Add a model to the registry.',
    positionals: [{ shown: '<alias>', kind: 'model' }],
    options: [
      {
        name: 'provider',
        value: 'openai|openai-compatible',
        choices: ['openai', 'openai-compatible'],
        description: 'Who serves it.',
      },
      { name: 'model', value: 'NAME', description: "The provider's model name." },
      { name: 'base-url', value: 'URL', description: 'An OpenAI-compatible server.' },
      { name: 'api-key-env', value: 'VAR', description: 'The environment variable that holds its key.' },
      { name: 'label', value: 'L', description: 'The name shown in tables.' },
    ],
    examples: ['models add local --provider openai-compatible --model qwen --base-url http://127.0.0.1:8000/v1'],
    faces: 'terminal',
  },
  {
    name: 'audit',
    summary: 'Who sent free text to which model, when, with what findings (never the text); in Slack, for admins.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['audit'],
    faces: 'both',
  },
  {
    name: 'runs',
    summary: 'The stored runs.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['runs'],
    faces: 'terminal',
  },
  {
    name: 'show',
    summary: 'One stored run with its scores and intervals.',
    positionals: [RUN],
    options: [JSON_FLAG],
    examples: ['show r-20261129-1'],
    faces: 'terminal',
  },
  {
    name: 'export',
    summary: "A run's generations in the release's layout.",
    positionals: [RUN],
    options: [{ name: 'dir', value: 'D', description: 'The folder to write (default export-<run>).' }],
    examples: ['export r-20261129-1'],
    faces: 'terminal',
  },
  {
    name: 'score',
    summary: 'Score generation files (the release layout), or the release itself.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<file or generated/ tree>]', optional: true, kind: 'text' }],
    options: [OUTPUT, JSON_FLAG],
    examples: ['score', 'score export-r1/generated'],
    faces: 'terminal',
  },
  {
    name: 'data pull',
    summary: 'Fetch the release, or a pack (jmed-llm, igakuqa119) at its pinned commit.',
    positionals: [{ shown: '[<pack>]', optional: true, kind: 'text' }],
    options: [{ name: 'dir', value: 'D', description: 'Where to put it.' }],
    examples: ['data pull', 'data pull jmed-llm'],
    faces: 'terminal',
  },
  {
    name: 'data check',
    summary: 'Check the release.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['data check'],
    faces: 'terminal',
  },
  {
    name: 'doctor',
    summary: 'Where the release, store, model registry and Redis are, and whether each works.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['doctor'],
    faces: 'terminal',
  },
  {
    name: 'worker',
    summary: 'Take evaluation jobs from the queue until stopped.',
    positionals: [],
    options: [{ name: 'concurrency', value: 'N', description: 'Jobs at once (default 2).' }],
    examples: ['worker --concurrency 4'],
    faces: 'terminal',
  },
  {
    name: 'bot',
    summary: 'The Slack bot (see README, "Connect Slack").',
    positionals: [],
    options: [],
    examples: ['bot'],
    faces: 'terminal',
  },
  {
    name: 'help',
    summary: 'Every command, or one command in full.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<command>]', optional: true }],
    options: [],
    examples: ['help eval'],
    faces: 'both',
  },
];

export const COMMANDS_BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));

/** `-h/--help`, which every command takes. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'Show this help.' };

/** Whether something marked for `faces` is offered on `face`. */
export function offeredOn(faces: Face | undefined, face: 'terminal' | 'slack'): boolean {
  return !faces || faces === 'both' || faces === face;
}
