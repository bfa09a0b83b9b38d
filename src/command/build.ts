// From a parsed command line (its name, positionals, option values and flags) to the Command faces act on.
import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../base/errors.js';
import type { Shot } from '../tasks/types.js';
import type { LabelVersion } from '../release/views.js';
import type { DocumentSet } from '../tasks/documents.js';
import { PROGRAM, usageHint, type HelpFace } from './help.js';
import { normalizeToken } from '../base/suggest.js';
import { namesFolder, shownPath } from '../base/paths.js';
import { COMMANDS_BY_NAME, type OptionSpec } from './commands.js';
import type { Command } from './types.js';

/** The bounds the command table gives `option` of `command`. */
function rangeOf(command: string, option: string): readonly [number, number] {
  return COMMANDS_BY_NAME.get(command)!.options.find((o) => o.name === option)!.range!;
}

/** Decimal digits only (after NFKC: `５` is 5): never `0x10`, `1e3`, `+5` or ` 5`, which Number() would read. */
const DIGITS = /^[0-9]+$/;

/** A whole number within the option's range (`--limit`, `--concurrency`), written in decimal digits. */
function countOf(command: string, option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const [min, max] = rangeOf(command, option);
  const parsed = z
    .string()
    .regex(DIGITS)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .safeParse(normalizeToken(value));
  if (!parsed.success)
    throw new UserError(
      `--${option} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, not "${value}".`,
    );
  return parsed.data;
}

/** `--max-cost`: US dollars above 0, at most the table's maximum; a leading `$` is allowed. */
function costOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const [, max] = rangeOf('eval', 'max-cost');
  const parsed = z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?$/)
    .transform(Number)
    .pipe(z.number().positive().max(max))
    .safeParse(normalizeToken(value).replace(/^\$/, ''));
  if (!parsed.success)
    throw new UserError(
      `--max-cost must be an amount in US dollars above 0 and at most ${max.toLocaleString('en-US')}, not "${value}".`,
    );
  return parsed.data;
}

const either = (items: readonly string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : items[0];

/**
 * A file option's value against its formats (the table's `formats`): a file's extension names its format. A folder
 * (one that exists, or a name only a folder has: `-o results/`, `.`) is said to be one, with the file it could be;
 * any other name is told the extensions.
 * @throws UserError saying the extensions, and `-` (standard output)
 */
function checkExtension(o: OptionSpec, file: string): void {
  const exts = o.formats!.map((f) => `.${f}`);
  if (exts.includes(path.extname(file).toLowerCase())) return;
  const typed = o.short ? `-${o.short}` : `--${o.name}`; // as usage shows it
  const ending = `ending in ${either(exts)}`;
  if (namesFolder(file) || isFolder(file))
    throw new UserError(
      `${typed} ${shownPath(file)} names a folder: give a file in it ${ending} (e.g. ${shownPath(path.join(file, `results${exts.at(-1)}`))}), or - for standard output.`,
    );
  const ext = shownPath(path.extname(file));
  throw new UserError(
    `${typed} ${shownPath(file)}: ${ext ? `${ext} is not a format jcb writes` : 'no extension to say the format'}; give a file ${ending}, or - for standard output.`,
  );
}

/**
 * The file options of `name` given (their `formats` in the table) checked, and the format `-` (standard output)
 * gets: --format, else JSON with --json where the option writes JSON (what the command prints), else its first.
 * @returns undefined when no such option is `-`. @throws UserError for a bad extension, or a --format that `-`
 * does not write (or with no `-`: a file's format is its extension)
 */
function standardOutputFormat(name: string, values: Record<string, string>, json: boolean): string | undefined {
  const typed = (o: OptionSpec) => (o.short ? `-${o.short}` : `--${o.name}`);
  const formatted = COMMANDS_BY_NAME.get(name)!.options.filter((o) => o.formats);
  const files = formatted.filter((o) => values[o.name] !== undefined);
  for (const o of files) if (values[o.name] !== '-') checkExtension(o, values[o.name]);
  const dash = files.find((o) => values[o.name] === '-');
  const format = values.format;
  if (!dash) {
    if (format === undefined) return undefined;
    const which = either(formatted.map((o) => `${typed(o)} -`));
    throw new UserError(`--format chooses what ${which} writes (standard output); a file's format is its extension.`);
  }
  if (format === undefined) return json && dash.formats!.includes('json') ? 'json' : dash.formats![0];
  if (!dash.formats!.includes(format))
    throw new UserError(
      `${typed(dash)} - writes ${either(dash.formats!)}, not ${format}: give --format ${dash.formats!.join('|')}.`,
    );
  return format;
}

const isFolder = (file: string): boolean => {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
};

/**
 * What does not go with `eval --queue`, said before any work (a path is not even created): the options that act
 * where the run ends (here, not in a worker), and this process's concurrency (a worker has its own).
 */
const NOT_WITH_QUEUE: Record<string, string> = {
  output: '-o writes when the run ends here; it does not go with --queue (`jcb show <run> --json` once it ends)',
  'log-samples': '--log-samples writes when the run ends here; it does not go with --queue',
  concurrency: "--concurrency is this process's; queued documents are taken by workers (`jcb worker --concurrency N`)",
};
function refuseWithQueue(values: Record<string, string>): void {
  const given = Object.keys(NOT_WITH_QUEUE).find((name) => values[name] !== undefined);
  if (given) throw new UserError(`${NOT_WITH_QUEUE[given]}.`);
}

/** The Command of `name`; option values are already checked against their choices. @throws UserError */
/** A file or text positional where absent and `-` both mean standard input (undefined). */
const stdinOr = (word: string | undefined) => (word === undefined || word === '-' ? undefined : word);

export function build(
  name: string,
  positionals: string[],
  values: Record<string, string>,
  flags: Set<string>,
  face: HelpFace | undefined,
): Command {
  const json = flags.has('json');
  const shot = (values.shot ?? 'one') as Shot;
  const output = values.output;
  const format = standardOutputFormat(name, values, json);
  const withFormat = format ? { format } : {};
  // Checked against the table's choices already; absent when not given (each service knows its default).
  const labels = values.labels as LabelVersion | undefined;
  const withLabels = labels ? { labels } : {};
  const needs = (what: string) => new UserError(`"${name}" needs ${what}.`, usageHint(name, face));
  const listRuns = face === 'slack' ? '`/jcb status` lists the runs under way.' : 'See `jcb runs`.';
  switch (name) {
    case 'tasks':
      return { kind: 'tasks', json };
    case 'tasks check':
      if (!positionals[0]) throw needs('a task file');
      return { kind: 'tasks-check', file: positionals[0] };
    case 'models':
      return positionals[0] ? { kind: 'models', json, alias: positionals[0] } : { kind: 'models', json };
    case 'run': {
      const [task, model, doc = 'random'] = positionals;
      if (!task || !model) throw needs('a task and a model');
      // `run <task> <model> all`: every document, in the background. The two words read after NFKC, as
      // every other word of the grammar (`ｒａｎｄｏｍ`, `ＡＬＬ`).
      const word = normalizeToken(doc).toLowerCase();
      if (word === 'all') return { kind: 'eval', task, model, shot, noCache: false, queue: true, json };
      return { kind: 'run', task, model, doc: word === 'random' ? word : doc, shot, json };
    }
    case 'score':
      return { kind: 'score', target: positionals[0], json, output, ...withFormat, ...withLabels };
    case 'leaderboard': {
      const chart = values.chart;
      const source = (values.source ?? 'paper') as 'paper' | 'runs';
      const view = values.view as 'bars' | 'heatmap' | undefined;
      // A terminal draws a chart only into --chart's file (Slack posts one with every board).
      if (view && chart === undefined && face === 'terminal')
        throw new UserError(
          '--view chooses the chart --chart writes; give --chart FILE.png|FILE.svg (or - for standard output) with it.',
        );
      const includePrivate = flags.has('include-private') || undefined;
      return {
        kind: 'leaderboard',
        shot,
        source,
        json,
        post: values.post,
        chart,
        view,
        output,
        ...withFormat,
        includePrivate,
        ...withLabels,
      };
    }
    case 'eval': {
      const [task, model] = positionals;
      if (!task || !model) throw needs('a task (or "all") and a model');
      if (flags.has('queue')) refuseWithQueue(values);
      return {
        kind: 'eval',
        task,
        model,
        shot,
        limit: countOf(name, 'limit', values.limit),
        documents: values.documents as DocumentSet | undefined,
        concurrency: countOf(name, 'concurrency', values.concurrency),
        runId: values.run,
        noCache: flags.has('no-cache'),
        queue: flags.has('queue'),
        json,
        dryRun: flags.has('dry-run') || undefined,
        maxCost: costOf(values['max-cost']),
        logSamples: values['log-samples'],
        output,
        ...withFormat,
        ...withLabels,
        includePrivate: flags.has('include-private') || undefined,
      };
    }
    case 'worker':
      return { kind: 'worker', concurrency: countOf(name, 'concurrency', values.concurrency) };
    case 'status':
      return { kind: 'status', runId: positionals[0], all: flags.has('all'), json };
    case 'compare': {
      const [a, b, task] = positionals;
      if (!a || !b) throw needs('two models');
      if (a.toLowerCase() === b.toLowerCase())
        throw new UserError(`"compare" needs two different models, not ${a} twice.`, usageHint(name, face));
      return {
        kind: 'compare',
        a,
        b,
        task,
        shot,
        json,
        output,
        ...withFormat,
        includePrivate: flags.has('include-private') || undefined,
        ...withLabels,
      };
    }
    case 'ratings':
      if (flags.has('batch') && !positionals[0])
        throw new UserError(
          `"ratings --batch" needs a task to rate, e.g. \`${PROGRAM[face ?? 'terminal']} ratings hs-pn --batch\`.`,
        );
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
      return { kind: 'digest', schedule: positionals[0], json, ...withLabels };
    case 'cancel':
      if (!positionals[0])
        throw new UserError(
          '"cancel" needs a run id.',
          `See \`${PROGRAM[face ?? 'terminal']} status\` for the runs under way.`,
        );
      return { kind: 'cancel', runId: positionals[0] };
    case 'runs':
      return { kind: 'runs', json };
    case 'show':
    case 'export': {
      const [runId] = positionals;
      if (!runId) throw new UserError(`"${name}" needs a run id.`, 'See `jcb runs` for the stored runs.');
      return name === 'show'
        ? { kind: 'show', runId, json, ...withLabels }
        : {
            kind: 'export',
            runId,
            dir: values.dir ?? `export-${runId}`,
            includePrivate: flags.has('include-private') || undefined,
          };
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
      return positionals[0]
        ? { kind: 'data-pull', dir: values.dir, pack: positionals[0] }
        : { kind: 'data-pull', dir: values.dir };
    case 'data check':
      return { kind: 'data-check', json };
    case 'doctor':
      return { kind: 'doctor', json };
    case 'audit':
      return { kind: 'audit', json };
    case 'phi':
      return { kind: 'phi', file: stdinOr(positionals[0]), json };
    case 'ask': {
      const [task, model, text] = positionals;
      if (!task || !model) throw needs('a task and a model');
      return { kind: 'ask', task, model, text: stdinOr(text), masked: flags.has('masked'), json };
    }
    default:
      return { kind: 'bot' };
  }
}
