// The declarative table of jcb's commands: the grammar parses from it, and every help text (terminal `--help`,
// `jcb help`, Slack's `/jcb help` and App Home) is generated from it. Adding a flag is one entry here.
import type { CommandSpec, Face, OptionSpec } from './command-spec.js';
import { LABELS } from './labels-option.js';
import { INCLUDE_PRIVATE, JSON_FLAG, MODEL, OUTPUT, RUN, SHOT, TASK } from './shared-options.js';
import { DOCUMENT_SETS } from '../tasks/documents.js';

export type { CommandSpec, Face, OptionSpec, PositionalSpec, PrivateData, TokenKind } from './command-spec.js';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'One document: gold, output and scores (`all`: every document, in the background).',
    positionals: [TASK, MODEL, { shown: '<doc-id>|random|all', optional: true, kind: 'text' }],
    options: [SHOT, JSON_FLAG],
    examples: ['run mr llm-jp', 'run DC-TMN gpt-5 random --shot zero'],
    faces: 'both',
    privateData: 'sends',
  },
  {
    name: 'eval',
    summary: 'Evaluate a model on a task (or all) and store the run.',
    positionals: [{ shown: '<task|all>', kind: 'task' }, MODEL],
    options: [
      SHOT,
      LABELS,
      { name: 'limit', value: 'N', range: [1, 100_000], description: 'Only the first N documents of each task.' },
      // Terminal only: Slack's eval is queued, and a worker takes its documents at its own concurrency.
      { name: 'concurrency', value: 'N', range: [1, 256], description: 'Documents at once, 1–256.', faces: 'terminal' },
      { name: 'run', value: 'ID', description: 'Resume the run ID (its finished documents are kept).' },
      { name: 'no-cache', description: 'Ask the model again instead of reusing cached generations.' },
      {
        name: 'documents',
        value: 'paper|all',
        choices: DOCUMENT_SETS,
        description:
          "The paper's documents (the default: NER its open models' rows, RE a seeded 1,000, HS-PN 20 cases) or every row.",
      },
      { name: 'queue', description: 'Run in the background through the queue and its workers.', faces: 'terminal' },
      { name: 'dry-run', description: 'Show the documents, calls, tokens and cost estimate; send nothing.' },
      {
        name: 'max-cost',
        value: 'USD',
        range: [0, 1_000_000],
        description: 'Stop cleanly once USD has been spent (resume with --run).',
      },
      {
        name: 'log-samples',
        value: 'PATH',
        path: 'file',
        description: 'Write one JSONL line per document (id, prompt hash, output, parsed answer, scores).',
        faces: 'terminal',
      },
      OUTPUT,
      INCLUDE_PRIVATE,
      JSON_FLAG,
    ],
    examples: ['eval mr llm-jp --limit 5', 'eval all baseline --shot zero --limit 3'],
    faces: 'both',
    privateData: 'sends',
  },
  {
    name: 'status',
    summary: 'Evaluations under way, or one run.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ ...RUN, shown: '[<run>]', optional: true }],
    options: [
      { name: 'all', description: 'The latest runs whatever their state (finished, cancelled, stopped too).' },
      JSON_FLAG,
    ],
    examples: ['status', 'status --all'],
    faces: 'both',
    privateData: 'scores',
  },
  {
    name: 'cancel',
    summary: 'Cancel a run: waiting documents dropped, finished ones kept.',
    positionals: [RUN],
    options: [],
    examples: ['cancel 20261129-020000-3f9a'],
    faces: 'both',
    privateData: 'none',
  },
  {
    name: 'leaderboard',
    summary: "The paper's Table 4 recomputed from its generations, or our stored runs.",
    positionals: [],
    options: [
      SHOT,
      LABELS,
      { name: 'source', value: 'paper|runs', choices: ['paper', 'runs'], description: 'The release or our runs.' },
      { name: 'post', value: '#channel', description: 'Post the board and its chart to a channel.', faces: 'slack' },
      {
        name: 'chart',
        value: 'FILE.png|FILE.svg',
        path: 'file',
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
      INCLUDE_PRIVATE,
      JSON_FLAG,
    ],
    examples: ['leaderboard', 'leaderboard --source runs --shot zero'],
    faces: 'both',
    privateData: 'scores',
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
    options: [SHOT, LABELS, OUTPUT, INCLUDE_PRIVATE, JSON_FLAG],
    examples: ['compare gpt-4o llm-jp', 'compare gpt-4o llm-jp mr'],
    faces: 'both',
    privateData: 'scores',
  },
  {
    name: 'digest',
    summary: 'The scheduled digests of recent runs.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<schedule>]', optional: true, kind: 'text' }],
    options: [LABELS, JSON_FLAG],
    examples: ['digest nightly-baseline'],
    faces: 'both',
    privateData: 'scores',
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
    privateData: 'scores',
  },
  {
    name: 'judge',
    summary: "Score a run's outputs with an LLM judge, stored beside ROUGE-L.",
    positionals: [RUN],
    options: [{ name: 'judge', value: 'MODEL', kind: 'model', description: 'The judging model.' }],
    examples: ['judge 20261129-020000-3f9a --judge gpt-4o-live'],
    faces: 'both',
    privateData: 'sends',
  },
  {
    name: 'tasks',
    summary: 'The tasks (the paper’s settings and declared task files) with their labels, metrics and sources.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['tasks'],
    faces: 'both',
    privateData: 'none',
  },
  {
    name: 'tasks check',
    summary: 'Check task files (YAML) and report every problem, one line each; runs nothing.',
    positionals: [{ shown: '<file>', kind: 'text', path: { use: 'read-file', field: 'file' } }],
    options: [],
    examples: ['tasks check my-tasks/discharge.yml'],
    faces: 'terminal',
    privateData: 'none',
  },
  {
    name: 'models',
    summary: 'The models that can be used; with an alias, that model’s exact request.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<alias>]', optional: true, kind: 'model' }],
    options: [JSON_FLAG],
    examples: ['models', 'models gpt-4o-live'],
    faces: 'both',
    privateData: 'none',
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
    privateData: 'none',
  },
  {
    name: 'audit',
    summary: 'Who sent free text to which model, when, with what findings (never the text); in Slack, for admins.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['audit'],
    faces: 'both',
    privateData: 'none',
  },
  {
    name: 'phi',
    summary: 'Personal information in a file (or standard input): findings, the masked text; exit 1 when found.',
    // `-` (standard input) is no path: the Command holds none for it
    positionals: [{ shown: '[FILE|-]', optional: true, kind: 'text', path: { use: 'read-file', field: 'file' } }],
    options: [{ ...JSON_FLAG, description: 'Print JSON: {findings: [{kind, start, end, text}], masked}.' }],
    examples: ['phi note.txt', 'phi - --json'],
    faces: 'terminal',
    privateData: 'none',
  },
  {
    name: 'ask',
    summary: "A model's answer to your own text (or standard input), under the bot's privacy rule and audit.",
    positionals: [TASK, MODEL, { shown: '[TEXT|-]', optional: true, kind: 'text' }],
    options: [
      { name: 'masked', description: 'Send it with each finding replaced by its kind.' },
      { ...JSON_FLAG, description: 'Print JSON.' },
    ],
    examples: ['ask cts ward-llm "発熱が続く。"', 'ask cts gpt-4o-live - --masked'],
    faces: 'terminal',
    privateData: 'sends',
  },
  {
    name: 'runs',
    summary: 'The stored runs.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['runs'],
    faces: 'terminal',
    privateData: 'scores',
  },
  {
    name: 'show',
    summary: 'One stored run with its scores and intervals.',
    positionals: [RUN],
    options: [LABELS, JSON_FLAG],
    examples: ['show 20261129-020000-3f9a'],
    faces: 'terminal',
    privateData: 'scores',
  },
  {
    name: 'export',
    summary: "A run's generations in the release's layout.",
    positionals: [RUN],
    options: [
      { name: 'dir', value: 'D', path: 'folder', description: 'The folder to write (default export-<run>).' },
      INCLUDE_PRIVATE,
    ],
    examples: ['export 20261129-020000-3f9a'],
    faces: 'terminal',
    privateData: 'text',
  },
  {
    name: 'score',
    summary: 'Score generation files (the release layout), or the release itself.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [
      { shown: '[<file or generated/ tree>]', optional: true, kind: 'text', path: { use: 'read', field: 'target' } },
    ],
    options: [LABELS, OUTPUT, JSON_FLAG],
    examples: ['score', 'score export-20261129-020000-3f9a/generated'],
    faces: 'terminal',
    privateData: 'scores',
  },
  {
    name: 'data pull',
    summary: 'Fetch the release, or a pack (jmed-llm, igakuqa119) at its pinned commit.',
    positionals: [{ shown: '[<pack>]', optional: true, kind: 'text' }],
    options: [{ name: 'dir', value: 'D', path: 'folder', description: 'Where to put it.' }],
    examples: ['data pull', 'data pull jmed-llm'],
    faces: 'terminal',
    privateData: 'none',
  },
  {
    name: 'data check',
    summary: 'Check the release.',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['data check'],
    faces: 'terminal',
    privateData: 'none',
  },
  {
    name: 'doctor',
    summary: 'Where the release, store, model registry and Redis are, and whether each works (exit 1 when any is NO).',
    positionals: [],
    options: [JSON_FLAG],
    examples: ['doctor'],
    faces: 'terminal',
    privateData: 'none',
  },
  {
    name: 'worker',
    summary: 'Take evaluation jobs from the queue until stopped.',
    positionals: [],
    options: [{ name: 'concurrency', value: 'N', range: [1, 256], description: 'Jobs at once (default 2; 1–256).' }],
    examples: ['worker --concurrency 4'],
    faces: 'terminal',
    privateData: 'none',
  },
  {
    name: 'bot',
    summary: 'The Slack bot (see README, "Connect Slack").',
    positionals: [],
    options: [],
    examples: ['bot'],
    faces: 'terminal',
    privateData: 'none',
    // Everything it posts (boards with --post, digests of the schedules, progress) goes with the bot's token.
    needs: ['SLACK_BOT_TOKEN'],
  },
  {
    name: 'help',
    summary: 'Every command, or one command in full.',
    // Stryker disable next-line BooleanLiteral: a shown form already in brackets is printed as is either way
    positionals: [{ shown: '[<command>]', optional: true }],
    options: [],
    examples: ['help eval'],
    faces: 'both',
    privateData: 'none',
  },
];

export const COMMANDS_BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));

/** `-h/--help`, which every command takes. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'Show this help.' };

/** Whether something marked for `faces` is offered on `face`. */
export function offeredOn(faces: Face | undefined, face: 'terminal' | 'slack'): boolean {
  return !faces || faces === 'both' || faces === face;
}
