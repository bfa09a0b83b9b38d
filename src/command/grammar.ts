// The one command grammar of jcb, parsed the same way from a terminal's argv and from `/jcb ...` text.
// Options are tokenized by yargs-parser (yargs's own parser) under our table (commands.ts); the table decides
// what exists, which face offers it, and every message.
import parser from 'yargs-parser';
import { UserError } from '../base/errors.js';
import { COMMANDS, COMMANDS_BY_NAME, HELP_OPTION, offeredOn, type CommandSpec, type OptionSpec } from './commands.js';
import { PROGRAM, subcommandsOf, usageHint, type HelpFace } from './help.js';
import { cutEcho, didYouMean, normalizeToken, unknownName } from '../base/suggest.js';
import { build } from './build.js';
import type { Command } from './types.js';

export type { Command } from './types.js';

export interface ParseOptions {
  /** The face typing the command: its options are checked and its hints written in its form. Unset: any face. */
  face?: HelpFace;
}

/**
 * Splits a typed command line (`/jcb …` text, a mention, a DM) into the grammar's words: at blanks as a shell
 * splits a terminal's line (quotes group words: `"a b"`), then by the one rule of `commandWords` for
 * ideographic spaces, so Slack and the terminal read a line the same way.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|((?:[^\s]|\u3000)+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return commandWords(words);
}

export function commandWords(argv: readonly string[]): string[] {
  const out: string[] = [];
  let spec: CommandSpec | undefined;
  let group: string | undefined; // `data`, `models`, `tasks`: the next word may be a sub-command
  let valueFor: OptionSpec | undefined; // the option whose value the next word is
  let positional = 0;
  let onlyPositionals = false; // after `--`
  const optionOf = (key: string) =>
    spec && [...spec.options, HELP_OPTION].find((o) => o.name === key || o.short === key);
  const keptWhole = (word: string): boolean => {
    if (valueFor) return Boolean(valueFor.path);
    const n = normalizeWord(word);
    const assigned = !onlyPositionals && /^--?([^=]+)=/.exec(n);
    if (assigned) return Boolean(optionOf(assigned[1])?.path);
    if (!spec || group || (!onlyPositionals && n.startsWith('-'))) return false;
    const p = spec.positionals[positional];
    return Boolean(p?.path || p?.kind === 'text');
  };
  const take = (word: string): void => {
    out.push(word);
    if (valueFor) return void (valueFor = undefined);
    const name = normalizeToken(word).toLowerCase();
    if (out.length === 1) return void (SUBCOMMANDS[name] ? (group = name) : (spec = COMMANDS_BY_NAME.get(name)));
    if (group) {
      const sub = SUBCOMMANDS[group].includes(name) ? ` ${name}` : '';
      spec = COMMANDS_BY_NAME.get(`${group}${sub}`);
      group = undefined;
      if (sub) return;
    }
    const n = normalizeWord(word);
    if (!onlyPositionals && n === '--') return void (onlyPositionals = true);
    const option = !onlyPositionals && /^--?[A-Za-z]/.test(n) && /^--?([^=]+)(=?)/.exec(n);
    if (!option) return void positional++;
    const o = optionOf(option[1]);
    if (o?.value && !option[2]) valueFor = o;
  };
  for (const word of argv) {
    if (keptWhole(word)) take(word);
    else {
      const parts = word.split(/\u3000+/).filter(Boolean);
      for (const part of word === '' ? [''] : parts) take(part);
    }
  }
  return out;
}

const SUBCOMMANDS: Record<string, string[]> = { data: ['pull', 'check'], models: ['add'], tasks: ['check'] };
const firstWords = (face?: HelpFace) => [
  ...new Set(COMMANDS.filter((c) => !face || offeredOn(c.faces, face)).map((c) => c.name.split(' ')[0])),
];
const TOP_LEVEL = firstWords();

/** Whether `word` (as typed, any width) is a command's first word; with `name`, that command's. */
export function isCommandWord(word: string, name?: string): boolean {
  const typed = normalizeToken(word).toLowerCase();
  return name ? typed === name : TOP_LEVEL.includes(typed);
}

/** A flag token normalized (NFKC, dashes) up to its `=`; the value after `=` stays as typed. */
export function normalizeWord(word: string): string {
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

/** Refuses an option given twice (`--shot one --shot zero`): which one was meant cannot be guessed. */
function refuseRepeats(spec: CommandSpec, words: string[], byKey: Map<string, OptionSpec>, opts: ParseOptions) {
  const seen = new Set<string>();
  for (const word of words) {
    if (word === '--') return;
    const o = byKey.get(/^--?([^=]+)/.exec(word)?.[1] ?? '');
    if (!o) continue;
    if (seen.has(o.name))
      throw new UserError(`--${o.name} is given twice; give it once.`, usageHint(spec.name, opts.face));
    seen.add(o.name);
  }
}

/**
 * Refuses a value given to a flag (`--dry-run=1`): yargs-parser reads anything but `true` as false, so
 * `--dry-run=yes` ran a real evaluation. A flag is on when named, off when not.
 */
function refuseFlagValues(spec: CommandSpec, words: string[], byKey: Map<string, OptionSpec>, opts: ParseOptions) {
  for (const word of words) {
    if (word === '--') return;
    const m = /^(--?)([^=]+)=/.exec(word);
    const o = m && byKey.get(m[2]);
    if (o && !o.value)
      throw new UserError(`--${o.name} takes no value: write --${o.name} alone.`, usageHint(spec.name, opts.face));
  }
}

/**
 * Every option's value in one form, `--opt=v`: `--opt v` takes the next word whatever it is (`-`, `""`, `-x`,
 * as getopt does), which yargs-parser read as no value (`--dir -`: "needs a value", while `--dir=-` gave `-`).
 * `words` are normalized (flags), `typed` the same words as typed: a value is kept as typed in both forms.
 */
function joinedValues(words: string[], typed: readonly string[], byKey: Map<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '--') return [...out, ...words.slice(i)];
    const key = /^--?([^=]+)$/.exec(words[i])?.[1];
    if (key !== undefined && byKey.get(key)?.value && i + 1 < words.length) out.push(`${words[i++]}=${typed[i]}`);
    else out.push(words[i]);
  }
  return out;
}

/** An unknown key as it was typed (`--x`, not `-x`: yargs-parser keeps only the key). */
function typedKey(key: string, words: string[]): string {
  const dashes = words.map((w) => /^(--?)([^=]*)/.exec(w)).find((m) => m?.[2] === key)?.[1];
  return `${dashes ?? (key.length === 1 ? '-' : '--')}${key}`;
}

function tokenize(spec: CommandSpec, words: string[], opts: ParseOptions): Parsed {
  const options = [...spec.options, HELP_OPTION];
  const byKey = new Map<string, OptionSpec>(
    options.flatMap((o) => [[o.name, o], ...(o.short ? [[o.short, o]] : [])] as [string, OptionSpec][]),
  );
  const normalized = joinedValues(words.map(normalizeWord), words, byKey);
  refuseRepeats(spec, normalized, byKey, opts);
  refuseFlagValues(spec, normalized, byKey, opts);
  const argv = parser(normalized, {
    string: options.filter((o) => o.value).map((o) => o.name),
    boolean: options.filter((o) => !o.value).map((o) => o.name),
    alias: Object.fromEntries(options.filter((o) => o.short).map((o) => [o.name, [o.short!]])),
    configuration: {
      'boolean-negation': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'duplicate-arguments-array': false,
      // Stryker disable next-line BooleanLiteral: declared strings and booleans are never coerced; undeclared keys are refused
      'parse-numbers': false,
      // Stryker disable next-line BooleanLiteral: positionals are coerced only when parse-numbers is on too
      'parse-positional-numbers': false,
      'short-option-groups': false,
    },
  });
  const out: Parsed = { positionals: argv._.map(String), values: {}, flags: new Set() };
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key === '--') continue;
    const o = byKey.get(key);
    if (!o) {
      const shown = typedKey(key, normalized);
      throw new UserError(
        `Unknown option ${cutEcho(shown)} for "${spec.name}".${didYouMean(
          `--${key}`,
          options.map((x) => `--${x.name}`),
        )}`,
        usageHint(spec.name, opts.face),
      );
    }
    if (o.name === HELP_OPTION.name) continue;
    if (!o.value) {
      if (value === true) out.flags.add(o.name);
      continue;
    }
    // `--shot --json`, a value forgotten: the next word is taken whole in either form, so an option there is none;
    // nor is `--`, the end of the options (`--log-samples --` wrote a file named `--`).
    const named = /^--?([^=]+)/.exec(normalizeWord(String(value ?? '')))?.[1];
    if (value === '' || value === undefined || value === '--' || (named !== undefined && byKey.has(named)))
      throw new UserError(
        `--${o.name} needs a value${o.path === 'file' ? ': a file, or - for standard output' : ''}.`,
        usageHint(spec.name, opts.face),
      );
    out.values[o.name] = String(value);
  }
  if (argv.help === true) return { positionals: [], values: {}, flags: new Set(['help']) };
  for (const o of spec.options) {
    if (!(out.flags.has(o.name) || o.name in out.values)) continue;
    if (opts.face && !offeredOn(o.faces, opts.face)) {
      const where = o.faces === 'slack' ? 'in Slack' : 'in a terminal';
      throw new UserError(`--${o.name} of "${spec.name}" works only ${where}.`, usageHint(spec.name, opts.face));
    }
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

/** The command's name from its first words (`data pull`, `models add`) and the words after it. */
function commandOf(words: string[], face: HelpFace | undefined): { name: string; args: string[] } {
  const [head, ...rest] = words;
  const name = normalizeToken(head).toLowerCase();
  if (name === '--help' || name === '-h') return { name: 'help', args: rest };
  const subs = SUBCOMMANDS[name];
  const sub = normalizeToken(rest[0] ?? '').toLowerCase();
  const isSub = subs?.includes(sub);
  // A group alone (`data`), or asked for help (`data --help`): its sub-commands.
  if (name === 'data' && (sub === '' || sub === '--help' || sub === '-h')) return { name: 'help', args: [name] };
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
    const known = firstWords(face);
    throw unknownName(
      'command',
      head,
      known,
      `Commands: ${known.join(', ')}. \`${PROGRAM[face ?? 'terminal']} help\` describes them.`,
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
  notOnFace(spec, opts.face);
  // An empty word ("") is no value, never the same as leaving it out (`score ""` is not `score`).
  const what = spec.positionals[raw.findIndex((w) => normalizeToken(w).trim() === '')];
  if (what) {
    throw new UserError(
      `"${name}" got an empty ${what.shown.replace(/^\[(.*)\]$/, '$1')}: give one${what.optional ? ', or leave it out' : ''}.`,
      usageHint(name, opts.face),
    );
  }
  if (name === 'help') return helpOn(raw, opts.face);
  if (raw.length > spec.positionals.length) {
    throw new UserError(
      `Too many arguments for "${name}": "${raw.slice(spec.positionals.length).join(' ')}".`,
      usageHint(name, opts.face),
    );
  }
  const positionals = raw.map((w, i) => (spec.positionals[i].kind === 'text' ? w : normalizeToken(w)));
  return build(name, positionals, values, flags, opts.face);
}

/** Refuses a command the face does not offer, saying where it runs. */
function notOnFace(spec: CommandSpec, face: HelpFace | undefined): void {
  if (!face || offeredOn(spec.faces, face)) return;
  const where =
    spec.faces === 'slack' ? `in Slack: \`/jcb ${spec.name} …\`` : `in a terminal: \`npx jcb ${spec.name} …\``;
  throw new UserError(`"${spec.name}" runs ${where}.`);
}

/** `help [<command>]`: `help data pull` names a two-word command. */
function helpOn(words: string[], face: HelpFace | undefined): Command {
  if (words.length === 0) return { kind: 'help' };
  const topic = words.map(normalizeToken).join(' ').toLowerCase();
  const spec = COMMANDS_BY_NAME.get(topic);
  if (!spec) {
    if (subcommandsOf(topic, face).length) return { kind: 'help', command: topic };
    const known = firstWords(face);
    throw unknownName(
      'command',
      topic,
      [...COMMANDS_BY_NAME.keys()].filter((n) => !face || offeredOn(COMMANDS_BY_NAME.get(n)!.faces, face)),
      `Commands: ${known.join(', ')}.`,
    );
  }
  notOnFace(spec, face);
  return { kind: 'help', command: topic };
}
