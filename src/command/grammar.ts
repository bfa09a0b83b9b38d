// The one command grammar of jcb, parsed the same way from a terminal's argv and from `/jcb ...` text.
import { z } from 'zod';
import { UserError } from '../errors.js';
import { SHOTS, type Shot } from '../tasks/types.js';

export type Command =
  | { kind: 'help' }
  | { kind: 'tasks'; json: boolean }
  | { kind: 'models'; json: boolean }
  | { kind: 'models-add'; alias: string; entry: Record<string, unknown> }
  | { kind: 'run'; task: string; model: string; doc: string; shot: Shot; json: boolean }
  | { kind: 'score'; target?: string; json: boolean }
  | {
      kind: 'leaderboard';
      shot: Shot;
      source: 'paper' | 'runs';
      json: boolean;
      /** Slack: the channel to post it to, with its chart. */
      post?: string;
      /** Terminal: a PNG file to write the chart to. */
      chart?: string;
    }
  | {
      kind: 'eval';
      task: string;
      model: string;
      shot: Shot;
      limit?: number;
      concurrency?: number;
      runId?: string;
      noCache: boolean;
      /** In the background, through the queue and its workers. */
      queue: boolean;
      json: boolean;
    }
  | { kind: 'worker'; concurrency?: number }
  | { kind: 'status'; runId?: string; json: boolean }
  | { kind: 'cancel'; runId: string }
  | { kind: 'digest'; schedule?: string; json: boolean }
  | { kind: 'compare'; a: string; b: string; task?: string; shot: Shot; json: boolean }
  | { kind: 'ratings'; task?: string; byModel: boolean; batch: boolean; correlate: boolean; json: boolean }
  | { kind: 'judge'; runId: string; judge?: string }
  | { kind: 'runs'; json: boolean }
  | { kind: 'audit'; json: boolean }
  | { kind: 'show'; runId: string; json: boolean }
  | { kind: 'export'; runId: string; dir: string }
  | { kind: 'data-pull'; dir?: string }
  | { kind: 'data-check'; json: boolean }
  | { kind: 'bot' };

export const USAGE: Record<string, string> = {
  help: 'help',
  tasks: 'tasks [--json]',
  models: 'models [--json]',
  'models add':
    'models add <alias> --provider openai|openai-compatible --model NAME [--base-url URL] [--api-key-env VAR] [--label L]',
  run: 'run <task> <model> [<doc-id>|random|all] [--shot one|zero] [--json]',
  eval: 'eval <task|all> <model> [--shot one|zero] [--limit N] [--concurrency N] [--run ID] [--no-cache] [--queue] [--json]',
  worker: 'worker [--concurrency N]',
  status: 'status [<run>] [--json]',
  cancel: 'cancel <run>',
  digest: 'digest [<schedule>] [--json]',
  compare: 'compare <model-a> <model-b> [<task>] [--shot one|zero] [--json]',
  ratings: 'ratings [<task>] [--by model] [--batch] [--correlate] [--json]',
  judge: 'judge <run> [--judge <model>]',
  runs: 'runs [--json]',
  audit: 'audit [--json]   (who sent free text to which model, never the text)',
  show: 'show <run> [--json]',
  export: 'export <run> [--dir D]',
  score: 'score [<file or generated/ tree>] [--json]',
  leaderboard: 'leaderboard [--shot one|zero] [--source paper|runs] [--post #channel] [--chart FILE.png] [--json]',
  'data pull': 'data pull [--dir D]',
  'data check': 'data check [--json]',
  bot: 'bot   (the Slack bot: see README, "Connect Slack")',
};

const shotSchema = z.enum(SHOTS);
const countSchema = z.number().int().min(1);

/** Options each command takes: value options and flags. */
const OPTIONS: Record<string, { values: string[]; flags: string[] }> = {
  help: { values: [], flags: [] },
  tasks: { values: [], flags: ['json'] },
  models: { values: [], flags: ['json'] },
  'models add': { values: ['provider', 'model', 'base-url', 'api-key-env', 'label'], flags: [] },
  run: { values: ['shot'], flags: ['json'] },
  eval: { values: ['shot', 'limit', 'concurrency', 'run'], flags: ['no-cache', 'queue', 'json'] },
  worker: { values: ['concurrency'], flags: [] },
  status: { values: [], flags: ['json'] },
  cancel: { values: [], flags: [] },
  digest: { values: [], flags: ['json'] },
  compare: { values: ['shot'], flags: ['json'] },
  ratings: { values: ['by'], flags: ['batch', 'correlate', 'json'] },
  judge: { values: ['judge'], flags: [] },
  runs: { values: [], flags: ['json'] },
  audit: { values: [], flags: ['json'] },
  show: { values: [], flags: ['json'] },
  export: { values: ['dir'], flags: [] },
  score: { values: [], flags: ['json'] },
  leaderboard: { values: ['shot', 'source', 'post', 'chart'], flags: ['json'] },
  'data pull': { values: ['dir'], flags: [] },
  'data check': { values: [], flags: ['json'] },
  bot: { values: [], flags: [] },
};

const SUBCOMMANDS: Record<string, string[]> = { data: ['pull', 'check'], models: ['add'] };

/** Splits a typed command line into words; quotes group words (`"a b"`). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

interface Split {
  positionals: string[];
  values: Record<string, string>;
  flags: Set<string>;
}

function splitOptions(name: string, words: string[]): Split {
  const spec = OPTIONS[name];
  const out: Split = { positionals: [], values: {}, flags: new Set() };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('--')) {
      out.positionals.push(w);
      continue;
    }
    const [key, inline] = w.slice(2).split('=', 2) as [string, string | undefined];
    if (spec.flags.includes(key)) out.flags.add(key);
    else if (spec.values.includes(key)) {
      const value = inline ?? words[++i];
      if (value === undefined || value.startsWith('--'))
        throw new UserError(`--${key} needs a value.`, `Usage: jcb ${USAGE[name]}`);
      out.values[key] = value;
    } else {
      throw new UserError(`Unknown option --${key} for "${name}".`, `Usage: jcb ${USAGE[name]}`);
    }
  }
  return out;
}

function shotOf(value: string | undefined): Shot {
  const parsed = shotSchema.safeParse(value ?? 'one');
  if (!parsed.success) throw new UserError(`--shot must be "one" or "zero", not "${value}".`);
  return parsed.data;
}

function countOf(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = countSchema.safeParse(Number(value));
  if (!parsed.success) throw new UserError(`--${option} must be a whole number of at least 1, not "${value}".`);
  return parsed.data;
}

function atMost(name: string, positionals: string[], n: number) {
  if (positionals.length > n) {
    throw new UserError(
      `Too many arguments for "${name}": ${positionals.slice(n).join(' ')}.`,
      `Usage: jcb ${USAGE[name]}`,
    );
  }
}

/** Parses the words after `jcb` (or after `/jcb`). */
export function parseCommand(words: readonly string[]): Command {
  const [head = 'help', ...rest] = words;
  let name = head.toLowerCase();
  let args = rest;
  const sub = (rest[0] ?? '').toLowerCase();
  if (name === 'data' || (name === 'models' && sub && !sub.startsWith('--'))) {
    if (!SUBCOMMANDS[name].includes(sub)) {
      throw new UserError(
        `Unknown ${name} command "${rest[0] ?? ''}".`,
        `Usage: ${SUBCOMMANDS[name].map((c) => `jcb ${USAGE[`${name} ${c}`]}`).join(' | ')}`,
      );
    }
    name = `${name} ${sub}`;
    args = rest.slice(1);
  }
  if (name === '--help' || name === '-h') name = 'help';
  if (!OPTIONS[name]) {
    throw new UserError(`Unknown command "${head}".`, `Commands: ${Object.values(USAGE).join(' · ')}`);
  }
  const { positionals, values, flags } = splitOptions(name, [...args]);
  const json = flags.has('json');
  switch (name) {
    case 'help':
      return { kind: 'help' };
    case 'tasks':
    case 'models':
      atMost(name, positionals, 0);
      return { kind: name, json };
    case 'run': {
      atMost(name, positionals, 3);
      const [task, model, doc = 'random'] = positionals;
      if (!task || !model) throw new UserError('"run" needs a task and a model.', `Usage: jcb ${USAGE.run}`);
      // `run <task> <model> all`: every document, in the background.
      if (doc.toLowerCase() === 'all')
        return { kind: 'eval', task, model, shot: shotOf(values.shot), noCache: false, queue: true, json };
      return { kind: 'run', task, model, doc, shot: shotOf(values.shot), json };
    }
    case 'score':
      atMost(name, positionals, 1);
      return { kind: 'score', target: positionals[0], json };
    case 'leaderboard': {
      atMost(name, positionals, 0);
      const source = values.source ?? 'paper';
      if (source !== 'paper' && source !== 'runs')
        throw new UserError(`--source must be "paper" or "runs", not "${source}".`);
      return { kind: 'leaderboard', shot: shotOf(values.shot), source, json, post: values.post, chart: values.chart };
    }
    case 'eval': {
      atMost(name, positionals, 2);
      const [task, model] = positionals;
      if (!task || !model)
        throw new UserError('"eval" needs a task (or "all") and a model.', `Usage: jcb ${USAGE.eval}`);
      return {
        kind: 'eval',
        task,
        model,
        shot: shotOf(values.shot),
        limit: countOf('limit', values.limit),
        concurrency: countOf('concurrency', values.concurrency),
        runId: values.run,
        noCache: flags.has('no-cache'),
        queue: flags.has('queue'),
        json,
      };
    }
    case 'worker':
      atMost(name, positionals, 0);
      return { kind: 'worker', concurrency: countOf('concurrency', values.concurrency) };
    case 'status':
      atMost(name, positionals, 1);
      return { kind: 'status', runId: positionals[0], json };
    case 'compare': {
      atMost(name, positionals, 3);
      const [a, b, task] = positionals;
      if (!a || !b) throw new UserError('"compare" needs two models.', `Usage: jcb ${USAGE.compare}`);
      return { kind: 'compare', a, b, task, shot: shotOf(values.shot), json };
    }
    case 'ratings': {
      atMost(name, positionals, 1);
      if (values.by !== undefined && values.by !== 'model')
        throw new UserError(`--by takes "model", not "${values.by}".`);
      if (flags.has('batch') && !positionals[0])
        throw new UserError('"ratings --batch" needs a task to rate, e.g. `ratings hs-pn --batch`.');
      return {
        kind: 'ratings',
        task: positionals[0],
        byModel: values.by === 'model',
        batch: flags.has('batch'),
        correlate: flags.has('correlate'),
        json,
      };
    }
    case 'judge': {
      atMost(name, positionals, 1);
      if (!positionals[0]) throw new UserError('"judge" needs a run id.', 'See `jcb runs`.');
      return { kind: 'judge', runId: positionals[0], judge: values.judge };
    }
    case 'digest':
      atMost(name, positionals, 1);
      return { kind: 'digest', schedule: positionals[0], json };
    case 'cancel': {
      atMost(name, positionals, 1);
      if (!positionals[0]) throw new UserError('"cancel" needs a run id.', 'See `jcb status` for the runs under way.');
      return { kind: 'cancel', runId: positionals[0] };
    }
    case 'audit':
      return { kind: 'audit', json };
    case 'runs':
      atMost(name, positionals, 0);
      return { kind: 'runs', json };
    case 'show':
    case 'export': {
      atMost(name, positionals, 1);
      const [runId] = positionals;
      if (!runId) throw new UserError(`"${name}" needs a run id.`, 'See `jcb runs` for the stored runs.');
      return name === 'show'
        ? { kind: 'show', runId, json }
        : { kind: 'export', runId, dir: values.dir ?? `export-${runId}` };
    }
    case 'models add': {
      atMost(name, positionals, 1);
      const [alias] = positionals;
      if (!alias || !values.provider || !values.model) {
        throw new UserError(
          '"models add" needs an alias, --provider and --model.',
          `Usage: jcb ${USAGE['models add']}`,
        );
      }
      const entry: Record<string, unknown> = { provider: values.provider, model: values.model };
      if (values['base-url']) entry.baseUrl = values['base-url'];
      if (values['api-key-env']) entry.apiKeyEnv = values['api-key-env'];
      if (values.label) entry.label = values.label;
      return { kind: 'models-add', alias, entry };
    }
    case 'bot':
      atMost(name, positionals, 0);
      return { kind: 'bot' };
    case 'data pull':
      atMost(name, positionals, 0);
      return { kind: 'data-pull', dir: values.dir };
    default:
      atMost(name, positionals, 0);
      return { kind: 'data-check', json };
  }
}
