// The one command grammar of jcb, parsed the same way from a terminal's argv and from `/jcb ...` text.
import { z } from 'zod';
import { UserError } from '../errors.js';
import { SHOTS, type Shot } from '../tasks/types.js';

export type Command =
  | { kind: 'help' }
  | { kind: 'tasks'; json: boolean }
  | { kind: 'models'; json: boolean }
  | { kind: 'run'; task: string; model: string; doc: string; shot: Shot; json: boolean }
  | { kind: 'score'; target?: string; json: boolean }
  | { kind: 'leaderboard'; shot: Shot; json: boolean }
  | { kind: 'data-pull'; dir?: string }
  | { kind: 'data-check'; json: boolean };

export const USAGE: Record<string, string> = {
  help: 'help',
  tasks: 'tasks [--json]',
  models: 'models [--json]',
  run: 'run <task> <model> [<doc-id>|random] [--shot one|zero] [--json]',
  score: 'score [<file or generated/ tree>] [--json]',
  leaderboard: 'leaderboard [--shot one|zero] [--json]',
  'data pull': 'data pull [--dir D]',
  'data check': 'data check [--json]',
};

const shotSchema = z.enum(SHOTS);

/** Options each command takes: value options and flags. */
const OPTIONS: Record<string, { values: string[]; flags: string[] }> = {
  help: { values: [], flags: [] },
  tasks: { values: [], flags: ['json'] },
  models: { values: [], flags: ['json'] },
  run: { values: ['shot'], flags: ['json'] },
  score: { values: [], flags: ['json'] },
  leaderboard: { values: ['shot'], flags: ['json'] },
  'data pull': { values: ['dir'], flags: [] },
  'data check': { values: [], flags: ['json'] },
};

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
  if (name === 'data') {
    name = `data ${(rest[0] ?? '').toLowerCase()}`;
    args = rest.slice(1);
    if (!OPTIONS[name])
      throw new UserError(
        `Unknown data command "${rest[0] ?? ''}".`,
        'Usage: jcb data pull [--dir D] | jcb data check',
      );
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
      return { kind: 'run', task, model, doc, shot: shotOf(values.shot), json };
    }
    case 'score':
      atMost(name, positionals, 1);
      return { kind: 'score', target: positionals[0], json };
    case 'leaderboard':
      atMost(name, positionals, 0);
      return { kind: 'leaderboard', shot: shotOf(values.shot), json };
    case 'data pull':
      atMost(name, positionals, 0);
      return { kind: 'data-pull', dir: values.dir };
    default:
      atMost(name, positionals, 0);
      return { kind: 'data-check', json };
  }
}
