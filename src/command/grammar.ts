// The one command grammar of jcb, parsed the same way from a terminal's argv and from `/jcb ...` text.
// Options are tokenized by yargs-parser (yargs's own parser) under our table (commands.ts); the table decides
// what exists, which face offers it, and every message.
import parser from 'yargs-parser';
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Shot } from '../tasks/types.js';
import { COMMANDS, COMMANDS_BY_NAME, HELP_OPTION, offeredOn, type CommandSpec, type OptionSpec } from './commands.js';
import { PROGRAM, usageHint, type HelpFace } from './help.js';
import { cutEcho, didYouMean, normalizeToken, unknownName } from './suggest.js';
import type { Command } from './types.js';

export type { Command } from './types.js';

export interface ParseOptions {
  /** The face typing the command: its options are checked and its hints written in its form. Unset: any face. */
  face?: HelpFace;
  /** Parse options and commands marked pending instead of answering "not available yet" (tests, landing work). */
  allowPending?: boolean;
}

/** Splits a typed command line into words; quotes group words (`"a b"`); full-width spaces separate too. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

const countSchema = z.number().int().min(1);
const costSchema = z.number().positive();
const SUBCOMMANDS: Record<string, string[]> = { data: ['pull', 'check'], models: ['add'] };
const TOP_LEVEL = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))];

/** Whether `word` (as typed, any width) is a command's first word; with `name`, that command's. */
export function isCommandWord(word: string, name?: string): boolean {
  const typed = normalizeToken(word).toLowerCase();
  return name ? typed === name : TOP_LEVEL.includes(typed);
}

/** A flag token normalized (NFKC, dashes) up to its `=`; the value after `=` stays as typed. */
function normalizeWord(word: string): string {
  const n = normalizeToken(word);
  if (!/^--?[A-Za-z]/.test(n)) return word;
  const eq = word.search(/[=＝]/);
  return eq < 0 ? n : `${normalizeToken(word.slice(0, eq))}=${word.slice(eq + 1)}`;
}

interface Parsed {
  positionals: string[];
  values: Record<string, string>;
  flags: Set<string>;
}

function tokenize(spec: CommandSpec, words: string[], opts: ParseOptions): Parsed {
  const options = [...spec.options, HELP_OPTION];
  const argv = parser(words.map(normalizeWord), {
    string: options.filter((o) => o.value).map((o) => o.name),
    boolean: options.filter((o) => !o.value).map((o) => o.name),
    alias: Object.fromEntries(options.filter((o) => o.short).map((o) => [o.name, [o.short!]])),
    configuration: {
      'boolean-negation': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'duplicate-arguments-array': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'short-option-groups': false,
    },
  });
  const byKey = new Map<string, OptionSpec>(options.flatMap((o) => [[o.name, o], ...(o.short ? [[o.short, o]] : [])] as [string, OptionSpec][]));
  const out: Parsed = { positionals: argv._.map(String), values: {}, flags: new Set() };
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key === '--') continue;
    const o = byKey.get(key);
    if (!o) {
      const shown = key.length === 1 ? `-${key}` : `--${key}`;
      throw new UserError(
        `Unknown option ${cutEcho(shown)} for "${spec.name}".${didYouMean(key, options.map((x) => x.name))}`,
        usageHint(spec.name, opts.face),
      );
    }
    if (o.name === HELP_OPTION.name) continue;
    if (!o.value) {
      if (value === true) out.flags.add(o.name);
      continue;
    }
    if (value === '' || value === undefined)
      throw new UserError(`--${o.name} needs a value.`, usageHint(spec.name, opts.face));
    out.values[o.name] = String(value);
  }
  if (argv.help === true) return { positionals: [], values: {}, flags: new Set(['help']) };
  for (const o of spec.options) {
    if (!(out.flags.has(o.name) || o.name in out.values)) continue;
    if (opts.face && !offeredOn(o.faces, opts.face)) {
      const where = o.faces === 'slack' ? 'in Slack (`/jcb ...`)' : 'in a terminal (`npx jcb ...`)';
      throw new UserError(`--${o.name} of "${spec.name}" works ${where} only.`, usageHint(spec.name, opts.face));
    }
    if (o.pending && !opts.allowPending) throw new UserError(`--${o.name} of "${spec.name}" is not available yet.`);
    if (o.choices && o.name in out.values) out.values[o.name] = choiceOf(o, out.values[o.name]);
    if (o.kind === 'model' && o.name in out.values) out.values[o.name] = normalizeToken(out.values[o.name]);
  }
  return out;
}

function choiceOf(o: OptionSpec, value: string): string {
  const typed = normalizeToken(value).toLowerCase();
  if (o.choices!.includes(typed)) return typed;
  const allowed = o.choices!.map((c) => `"${c}"`);
  const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
  throw new UserError(`--${o.name} must be ${list}, not "${value}".${didYouMean(value, o.choices!)}`);
}

function countOf(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = countSchema.safeParse(Number(normalizeToken(value)));
  if (!parsed.success) throw new UserError(`--${option} must be a whole number of at least 1, not "${value}".`);
  return parsed.data;
}

function costOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = costSchema.safeParse(Number(normalizeToken(value).replace(/^\$/, '')));
  if (!parsed.success) throw new UserError(`--max-cost must be an amount in US dollars above 0, not "${value}".`);
  return parsed.data;
}

/** The command's name from its first words (`data pull`, `models add`) and the words after it. */
function commandOf(words: string[], face: HelpFace | undefined): { name: string; args: string[] } {
  const [head, ...rest] = words;
  const name = normalizeToken(head).toLowerCase();
  if (name === '--help' || name === '-h') return { name: 'help', args: rest };
  const subs = SUBCOMMANDS[name];
  const sub = normalizeToken(rest[0] ?? '').toLowerCase();
  const isSub = subs?.includes(sub);
  // `models <alias>` is one model; a word and more after `models` is a sub-command that does not exist.
  const wrongSub =
    (name === 'data' && !isSub) || (name === 'models' && !isSub && rest.filter((w) => !w.startsWith('-')).length > 1);
  if (wrongSub) {
    throw unknownName(
      `${name} command`,
      rest[0] ?? '',
      subs,
      `Usage: ${subs.map((c) => `${PROGRAM[face ?? 'terminal']} ${name} ${c}`).join(' | ')}`,
    );
  }
  if (isSub) return { name: `${name} ${sub}`, args: rest.slice(1) };
  if (!COMMANDS_BY_NAME.has(name)) {
    throw unknownName(
      'command',
      head,
      TOP_LEVEL,
      `Commands: ${TOP_LEVEL.join(', ')}. \`${PROGRAM[face ?? 'terminal']} help\` describes them.`,
    );
  }
  return { name, args: rest };
}

/**
 * Parses the words after `jcb` (or after `/jcb`) into a Command.
 * Command, task, model and flag tokens are read after NFKC; any other word is kept as typed.
 * @throws UserError one line saying what was wrong (input echoed at most ~80 characters) and the usage.
 */
export function parseCommand(words: readonly string[], opts: ParseOptions = {}): Command {
  try {
    return parse(words, opts);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // The one place input comes back to a person: every quoted echo cut, and the whole line bounded.
    const cut = (s: string) => boundLine(s.replace(/"([^"]*)"/g, (_, q: string) => `"${cutEcho(q)}"`));
    throw new UserError(cut(err.message), err.hint === undefined ? undefined : cut(err.hint));
  }
}

/** A message made of ours plus cut echoes stays under a few hundred characters; this bounds what is left. */
function boundLine(s: string): string {
  const points = Array.from(s);
  return points.length <= 600 ? s : `${points.slice(0, 599).join('')}…`;
}

function parse(words: readonly string[], opts: ParseOptions): Command {
  if (words.length === 0) return { kind: 'help' };
  if (['--version', '-v'].includes(normalizeToken(words[0]).toLowerCase())) return { kind: 'version' };
  const { name, args } = commandOf([...words], opts.face);
  const spec = COMMANDS_BY_NAME.get(name)!;
  const { positionals: raw, values, flags } = tokenize(spec, args, opts);
  if (flags.has('help')) return { kind: 'help', command: name };
  if (opts.face && !offeredOn(spec.faces, opts.face)) {
    const where = spec.faces === 'slack' ? `in Slack: \`/jcb ${name} …\`` : `in a terminal: \`npx jcb ${name} …\``;
    throw new UserError(`"${name}" runs ${where}.`);
  }
  if (spec.pending && !opts.allowPending) throw new UserError(`"${PROGRAM[opts.face ?? 'terminal']} ${name}" is not available yet.`);
  if (name === 'help') return helpOn(raw);
  if (raw.length > spec.positionals.length) {
    throw new UserError(
      `Too many arguments for "${name}": "${raw.slice(spec.positionals.length).join(' ')}".`,
      usageHint(name, opts.face),
    );
  }
  const notYet = spec.positionals.findIndex((p, i) => p.pending && raw[i] !== undefined);
  if (notYet >= 0 && !opts.allowPending)
    throw new UserError(`"${PROGRAM[opts.face ?? 'terminal']} ${name} ${spec.positionals[notYet].shown}" is not available yet.`);
  const positionals = raw.map((w, i) => (spec.positionals[i].kind === 'text' ? w : normalizeToken(w)));
  return build(name, positionals, values, flags, opts.face);
}

/** `help [<command>]`: `help data pull` names a two-word command. */
function helpOn(words: string[]): Command {
  if (words.length === 0) return { kind: 'help' };
  const topic = words.map(normalizeToken).join(' ').toLowerCase();
  if (!COMMANDS_BY_NAME.has(topic)) throw unknownName('command', topic, [...COMMANDS_BY_NAME.keys()]);
  return { kind: 'help', command: topic };
}

function build(
  name: string,
  positionals: string[],
  values: Record<string, string>,
  flags: Set<string>,
  face: HelpFace | undefined,
): Command {
  const json = flags.has('json');
  const shot = (values.shot ?? 'one') as Shot;
  const output = values.output;
  const needs = (what: string) => new UserError(`"${name}" needs ${what}.`, usageHint(name, face));
  const listRuns = face === 'slack' ? '`/jcb status` lists the runs under way.' : 'See `jcb runs`.';
  switch (name) {
    case 'tasks':
      return { kind: 'tasks', json };
    case 'models':
      return positionals[0] ? { kind: 'models', json, alias: positionals[0] } : { kind: 'models', json };
    case 'run': {
      const [task, model, doc = 'random'] = positionals;
      if (!task || !model) throw needs('a task and a model');
      // `run <task> <model> all`: every document, in the background.
      if (doc.toLowerCase() === 'all') return { kind: 'eval', task, model, shot, noCache: false, queue: true, json };
      return { kind: 'run', task, model, doc, shot, json };
    }
    case 'score':
      return { kind: 'score', target: positionals[0], json, output };
    case 'leaderboard': {
      const chart = values.chart;
      if (chart !== undefined && !/\.(png|svg)$/i.test(chart))
        throw new UserError(`--chart writes a .png or .svg file, not "${chart}".`);
      const source = (values.source ?? 'paper') as 'paper' | 'runs';
      const view = values.view as 'bars' | 'heatmap' | undefined;
      return { kind: 'leaderboard', shot, source, json, post: values.post, chart, view, output };
    }
    case 'eval': {
      const [task, model] = positionals;
      if (!task || !model) throw needs('a task (or "all") and a model');
      return {
        kind: 'eval',
        task,
        model,
        shot,
        limit: countOf('limit', values.limit),
        concurrency: countOf('concurrency', values.concurrency),
        runId: values.run,
        noCache: flags.has('no-cache'),
        queue: flags.has('queue'),
        json,
        dryRun: flags.has('dry-run') || undefined,
        maxCost: costOf(values['max-cost']),
        logSamples: values['log-samples'],
        output,
      };
    }
    case 'worker':
      return { kind: 'worker', concurrency: countOf('concurrency', values.concurrency) };
    case 'status':
      return { kind: 'status', runId: positionals[0], json };
    case 'compare': {
      const [a, b, task] = positionals;
      if (!a || !b) throw needs('two models');
      return { kind: 'compare', a, b, task, shot, json, output };
    }
    case 'ratings':
      if (flags.has('batch') && !positionals[0])
        throw new UserError(`"ratings --batch" needs a task to rate, e.g. \`${PROGRAM[face ?? 'terminal']} ratings hs-pn --batch\`.`);
      return {
        kind: 'ratings',
        task: positionals[0],
        byModel: values.by === 'model',
        batch: flags.has('batch'),
        correlate: flags.has('correlate'),
        json,
      };
    case 'judge':
      if (!positionals[0]) throw new UserError('"judge" needs a run id.', listRuns);
      return { kind: 'judge', runId: positionals[0], judge: values.judge };
    case 'digest':
      return { kind: 'digest', schedule: positionals[0], json };
    case 'cancel':
      if (!positionals[0]) throw new UserError('"cancel" needs a run id.', `See \`${PROGRAM[face ?? 'terminal']} status\` for the runs under way.`);
      return { kind: 'cancel', runId: positionals[0] };
    case 'runs':
      return { kind: 'runs', json };
    case 'show':
    case 'export': {
      const [runId] = positionals;
      if (!runId) throw new UserError(`"${name}" needs a run id.`, 'See `jcb runs` for the stored runs.');
      return name === 'show' ? { kind: 'show', runId, json } : { kind: 'export', runId, dir: values.dir ?? `export-${runId}` };
    }
    case 'models add': {
      const [alias] = positionals;
      if (!alias || !values.provider || !values.model) throw needs('an alias, --provider and --model');
      const entry: Record<string, unknown> = { provider: values.provider, model: values.model };
      if (values['base-url']) entry.baseUrl = values['base-url'];
      if (values['api-key-env']) entry.apiKeyEnv = values['api-key-env'];
      if (values.label) entry.label = values.label;
      return { kind: 'models-add', alias, entry };
    }
    case 'data pull':
      return { kind: 'data-pull', dir: values.dir };
    case 'data check':
      return { kind: 'data-check', json };
    case 'doctor':
      return { kind: 'doctor' };
    case 'audit':
      return { kind: 'audit', json };
    default:
      return { kind: 'bot' };
  }
}
