// The command table as people meet it: every command's usage line on each face, its help (options, examples),
// how each option and positional is read, and every refusal. Expected lines are written out by hand from the
// table's intent (README "Commands"), so a changed placeholder, choice, face or example shows up here.
import { describe, expect, it } from 'vitest';
import { COMMANDS, COMMANDS_BY_NAME, HELP_OPTION, offeredOn } from '../src/command/commands.js';
import { CONVERSATION_HELP, KEYWORDS, parseConversation } from '../src/command/conversation.js';
import { parseCommand } from '../src/command/grammar.js';
import { commandHelp, commandsOn, helpEntries, overview, PROGRAM, usageHint, usageLine } from '../src/command/help.js';
import type { Command } from '../src/command/types.js';
import { normalizeToken, suggest } from '../src/base/suggest.js';
import { UserError } from '../src/base/errors.js';

type Face = 'terminal' | 'slack';
import { parse, refusal } from './grammar-helpers.js';

// Every command's usage, without the program: terminal, then Slack (null: not offered in Slack).
const USAGE: Record<string, [string, string | null]> = {
  run: [
    'run <task> <model> [<doc-id>|random|all] [--shot one|zero] [--json]',
    'run <task> <model> [<doc-id>|random|all] [--shot one|zero]',
  ],
  eval: [
    'eval <task|all> <model> [--shot one|zero] [--labels paper|reviewed] [--limit N] [--concurrency N] [--run ID] [--no-cache]' +
      ' [--documents paper|all] [--queue] [--dry-run] [--max-cost USD] [--log-samples FILE.jsonl] [-o|--output PATH] [--format jsonl|md|json|csv]' +
      ' [--include-private] [--json]',
    'eval <task|all> <model> [--shot one|zero] [--labels paper|reviewed] [--limit N] [--run ID] [--no-cache]' +
      ' [--documents paper|all] [--dry-run] [--max-cost USD]',
  ],
  status: ['status [<run>] [--all] [--json]', 'status [<run>] [--all]'],
  cancel: ['cancel <run>', 'cancel <run>'],
  leaderboard: [
    'leaderboard [--shot one|zero] [--labels paper|reviewed] [--source paper|runs] [--chart FILE.png|FILE.svg] [--view bars|heatmap]' +
      ' [-o|--output PATH] [--format png|svg|md|json|csv] [--include-private] [--json]',
    'leaderboard [--shot one|zero] [--labels paper|reviewed] [--source paper|runs] [--post #channel] [--view bars|heatmap]',
  ],
  compare: [
    'compare <model-a> <model-b> [<task>] [--shot one|zero] [--labels paper|reviewed] [-o|--output PATH] [--format md|json|csv] [--include-private] [--json]',
    'compare <model-a> <model-b> [<task>] [--shot one|zero] [--labels paper|reviewed]',
  ],
  digest: ['digest [<schedule>] [--labels paper|reviewed] [--json]', 'digest [<schedule>] [--labels paper|reviewed]'],
  ratings: [
    'ratings [<task>] [--by model] [--correlate] [--json]',
    'ratings [<task>] [--by model] [--batch] [--correlate]',
  ],
  judge: ['judge <run> [--judge MODEL]', 'judge <run> [--judge MODEL]'],
  tasks: ['tasks [--json]', 'tasks'],
  'tasks check': ['tasks check <file>', null],
  models: ['models [<alias>] [--json]', 'models [<alias>]'],
  'models add': [
    'models add <alias> [--provider openai|openai-compatible] [--model NAME] [--base-url URL] [--api-key-env VAR]' +
      ' [--label L]',
    null,
  ],
  audit: ['audit [--json]', 'audit'],
  phi: ['phi [FILE|-] [--json]', null],
  ask: ['ask <task> <model> [TEXT|-] [--masked] [--json]', null],
  runs: ['runs [--json]', null],
  show: ['show <run> [--labels paper|reviewed] [--json]', null],
  export: ['export <run> [--dir D] [--include-private]', null],
  score: [
    'score [<file or generated/ tree>] [--labels paper|reviewed] [-o|--output PATH] [--format md|json|csv] [--json]',
    null,
  ],
  'data pull': ['data pull [<pack>] [--dir D]', null],
  'data check': ['data check [--json]', null],
  doctor: ['doctor [--json]', null],
  worker: ['worker [--concurrency N]', null],
  bot: ['bot', null],
  help: ['help [<command>]', 'help [<command>]'],
};

// What each example of the table must parse into (README's examples of each command).
const EXAMPLES: Record<string, Command[]> = {
  run: [
    { kind: 'run', task: 'mr', model: 'llm-jp', doc: 'random', shot: 'one', json: false },
    { kind: 'run', task: 'DC-TMN', model: 'gpt-5', doc: 'random', shot: 'zero', json: false },
  ],
  eval: [
    expect.objectContaining({ kind: 'eval', task: 'mr', model: 'llm-jp', limit: 5, shot: 'one' }),
    expect.objectContaining({ kind: 'eval', task: 'all', model: 'baseline', limit: 3, shot: 'zero' }),
  ],
  status: [
    { kind: 'status', runId: undefined, all: false, json: false },
    { kind: 'status', runId: undefined, all: true, json: false },
  ],
  cancel: [{ kind: 'cancel', runId: '20261129-020000-3f9a' }],
  leaderboard: [
    { kind: 'leaderboard', shot: 'one', source: 'paper', json: false },
    { kind: 'leaderboard', shot: 'zero', source: 'runs', json: false },
  ],
  compare: [
    { kind: 'compare', a: 'gpt-4o', b: 'llm-jp', task: undefined, shot: 'one', json: false },
    { kind: 'compare', a: 'gpt-4o', b: 'llm-jp', task: 'mr', shot: 'one', json: false },
  ],
  digest: [{ kind: 'digest', schedule: 'nightly-baseline', json: false }],
  ratings: [
    { kind: 'ratings', task: 'hs-pn', byModel: true, batch: false, correlate: false, json: false },
    { kind: 'ratings', task: 'hs-pn', byModel: false, batch: true, correlate: false, json: false },
  ],
  judge: [{ kind: 'judge', runId: '20261129-020000-3f9a', judge: 'gpt-4o-live' }],
  tasks: [{ kind: 'tasks', json: false }],
  'tasks check': [{ kind: 'tasks-check', file: 'my-tasks/discharge.yml' }],
  models: [
    { kind: 'models', json: false },
    { kind: 'models', json: false, alias: 'gpt-4o-live' },
  ],
  'models add': [
    {
      kind: 'models-add',
      alias: 'local',
      entry: { provider: 'openai-compatible', model: 'qwen', baseUrl: 'http://127.0.0.1:8000/v1' },
    },
  ],
  audit: [{ kind: 'audit', json: false }],
  phi: [
    { kind: 'phi', file: 'note.txt', json: false },
    { kind: 'phi', file: undefined, json: true },
  ],
  ask: [
    { kind: 'ask', task: 'cts', model: 'ward-llm', text: '発熱が続く。', masked: false, json: false },
    { kind: 'ask', task: 'cts', model: 'gpt-4o-live', text: undefined, masked: true, json: false },
  ],
  runs: [{ kind: 'runs', json: false }],
  show: [{ kind: 'show', runId: '20261129-020000-3f9a', json: false }],
  export: [{ kind: 'export', runId: '20261129-020000-3f9a', dir: 'export-20261129-020000-3f9a' }],
  score: [
    { kind: 'score', target: undefined, json: false },
    { kind: 'score', target: 'export-20261129-020000-3f9a/generated', json: false },
  ],
  'data pull': [{ kind: 'data-pull' }, { kind: 'data-pull', pack: 'jmed-llm' }],
  'data check': [{ kind: 'data-check', json: false }],
  doctor: [{ kind: 'doctor', json: false }],
  worker: [{ kind: 'worker', concurrency: 4 }],
  bot: [{ kind: 'bot' }],
  help: [{ kind: 'help', command: 'eval' }],
};

/** The registry entry of a `models add` line. */
function entryOf(text: string): Record<string, unknown> | undefined {
  const command = parse(text);
  return command.kind === 'models-add' ? command.entry : undefined;
}

describe('the table lists each command once, in the order help shows them', () => {
  it('has exactly the commands written out here', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(Object.keys(USAGE));
    expect([...COMMANDS_BY_NAME.keys()]).toEqual(Object.keys(USAGE));
    expect(commandsOn('terminal').map((c) => c.name)).toEqual(Object.keys(USAGE));
    expect(commandsOn('slack').map((c) => c.name)).toEqual(
      Object.entries(USAGE)
        .filter(([, [, slack]]) => slack !== null)
        .map(([name]) => name),
    );
  });

  it('offers what is marked for both faces, or for the asking face only', () => {
    expect(offeredOn(undefined, 'slack')).toBe(true);
    expect(offeredOn('both', 'terminal')).toBe(true);
    expect(offeredOn('terminal', 'terminal')).toBe(true);
    expect(offeredOn('terminal', 'slack')).toBe(false);
    expect(offeredOn('slack', 'slack')).toBe(true);
    expect(offeredOn('slack', 'terminal')).toBe(false);
  });
});

describe.each(Object.entries(USAGE))('"%s"', (name, [terminal, slack]) => {
  const spec = COMMANDS_BY_NAME.get(name)!;

  it('has its usage line on each face', () => {
    expect(usageLine(name)).toBe(terminal);
    expect(usageLine(name, 'terminal')).toBe(terminal);
    expect(usageHint(name)).toBe(`Usage: jcb ${terminal}`);
    if (slack !== null) {
      expect(usageLine(name, 'slack')).toBe(slack);
      expect(usageHint(name, 'slack')).toBe(`Usage: /jcb ${slack}`);
      expect(helpEntries('slack').find((e) => e.name === name)).toEqual({
        name,
        usage: `/jcb ${slack}`,
        summary: spec.summary,
      });
    } else {
      expect(helpEntries('slack').map((e) => e.name)).not.toContain(name);
      expect(refusal(name, 'slack').message).toBe(`"${name}" runs in a terminal: \`npx jcb ${name} …\`.`);
      expect(refusal(`help ${name}`, 'slack').message).toBe(`"${name}" runs in a terminal: \`npx jcb ${name} …\`.`);
    }
    expect(helpEntries('terminal').find((e) => e.name === name)).toEqual({
      name,
      usage: `jcb ${terminal}`,
      summary: spec.summary,
    });
  });

  it.each([['terminal' as Face], ['slack' as Face]])('has its full help in the %s', (face) => {
    const usage = face === 'terminal' ? terminal : slack;
    if (usage === null) return;
    const text = commandHelp(name, face, 1000);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`Usage: ${PROGRAM[face]} ${usage}`);
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe(spec.summary);
    expect(lines[3]).toBe('');
    expect(lines[4]).toBe('Options:');
    const offered = spec.options.filter((o) => !o.faces || o.faces === 'both' || o.faces === face);
    const optionLines = lines.slice(5, 5 + offered.length + 1);
    // One line per offered option and -h/--help, the descriptions lined up in one column.
    [...offered, HELP_OPTION].forEach((o, i) => {
      const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
      expect(optionLines[i].startsWith(`  ${flag} `)).toBe(true);
      expect(optionLines[i].endsWith(o.description)).toBe(true);
    });
    const column = new Set(optionLines.map((l, i) => l.length - [...offered, HELP_OPTION][i].description.length));
    expect(column.size).toBe(1);
    for (const o of spec.options.filter((x) => !offered.includes(x))) expect(text).not.toContain(`--${o.name} `);
    expect(lines[5 + offered.length + 1]).toBe('');
    expect(lines[5 + offered.length + 2]).toBe('Examples:');
    // Examples with an option of the other face only (`ratings --batch`) are not shown.
    const shownExamples = spec.examples.filter((e) =>
      [...e.matchAll(/ --([a-z-]+)/g)].every(([, n]) => offered.some((o) => o.name === n)),
    );
    const examples = lines.slice(5 + offered.length + 3, 5 + offered.length + 3 + shownExamples.length);
    expect(examples).toEqual(shownExamples.map((e) => `  ${PROGRAM[face]} ${e}`));
    // A command with sub-commands (`models` → `models add`) names them last.
    const subs = COMMANDS.filter((c) => c.name.startsWith(`${spec.name} `) && offeredOn(c.faces, face));
    expect(lines.slice(5 + offered.length + 3 + shownExamples.length)).toEqual(
      subs.length
        ? ['', `Sub-commands: ${subs.map((c) => `${PROGRAM[face]} ${c.name}`).join(', ')} (each with --help).`]
        : [],
    );
  });

  it('parses each of its examples into the command it shows', () => {
    expect(spec.examples.map((e) => parse(e))).toEqual(EXAMPLES[name]);
    if (slack !== null) for (const e of spec.examples) expect(() => parse(e, 'slack')).not.toThrow();
  });

  it('asks for its help with --help, -h and help', () => {
    for (const face of [undefined, 'terminal', 'slack'] as const) {
      if (face === 'slack' && slack === null) continue;
      expect(parse(`${name} --help`, face)).toEqual({ kind: 'help', command: name });
      expect(parse(`${name} -h`, face)).toEqual({ kind: 'help', command: name });
      expect(parse(`help ${name.toUpperCase()}`, face)).toEqual({ kind: 'help', command: name });
    }
  });
});

describe('options taking a value never take the next option', () => {
  const valued = COMMANDS.flatMap((c) =>
    c.options
      .filter((o) => o.value)
      .map((o) => [c.name, o.name, c.options.some((x) => x.name === 'json') ? '--json' : '--help', o.path] as const),
  );
  it.each(valued)('"%s --%s %s"', (name, option, next, use) => {
    const args = { run: ' mr x', eval: ' mr x', compare: ' a b', judge: ' r1', export: ' r1', 'models add': ' a' };
    const prefix = `${name}${args[name as keyof typeof args] ?? ''}`;
    const message = `--${option} needs a value${use === 'file' ? ': a file, or - for standard output' : ''}.`;
    expect(refusal(`${prefix} --${option} ${next}`)).toEqual({ message, hint: usageHint(name) });
    expect(refusal(`${prefix} --${option}`).message).toBe(message);
  });
});

describe('each option', () => {
  it('reads --shot on every command that has it', () => {
    expect(parse('run mr x --shot ZERO')).toMatchObject({ shot: 'zero' });
    expect(parse('eval mr x --shot zero')).toMatchObject({ shot: 'zero' });
    expect(parse('leaderboard')).toMatchObject({ shot: 'one' });
    expect(parse('compare a b --shot zero')).toMatchObject({ shot: 'zero' });
    expect(refusal('compare a b --shot two')).toEqual({ message: '--shot must be "one" or "zero", not "two".' });
    expect(refusal('eval mr x --shot zer').message).toBe(
      '--shot must be "one" or "zero", not "zer". Did you mean "zero"?',
    );
  });

  it('accepts each choice, in any case', () => {
    expect(parse('compare a b --shot ONE')).toMatchObject({ shot: 'one' });
    expect(parse('leaderboard --source Paper')).toMatchObject({ source: 'paper' });
    expect(parse('leaderboard --source runs --view bars')).toMatchObject({ source: 'runs', view: 'bars' });
  });

  it('reads --view and says which views exist', () => {
    expect(parse('leaderboard --view HEATMAP')).toMatchObject({ view: 'heatmap' });
    expect(parse('leaderboard')).not.toHaveProperty('view', expect.anything());
    expect(refusal('leaderboard --view bar').message).toBe(
      '--view must be "bars" or "heatmap", not "bar". Did you mean "bars"?',
    );
    expect(parse('leaderboard --view bars', 'slack')).toMatchObject({ view: 'bars' });
    // A terminal draws only into --chart's file: --view alone did nothing, exit 0.
    expect(refusal('leaderboard --view heatmap', 'terminal').message).toMatch(
      /^--view chooses the chart --chart writes/,
    );
    expect(parse('leaderboard --view heatmap --chart x.svg', 'terminal')).toMatchObject({ view: 'heatmap' });
  });

  it('reads --post only in Slack and --chart, --output and --json only in a terminal', () => {
    expect(parse('leaderboard --post #general', 'slack')).toMatchObject({ post: '#general' });
    expect(refusal('leaderboard --post #g', 'terminal')).toEqual({
      message: '--post of "leaderboard" works only in Slack.',
      hint: usageHint('leaderboard', 'terminal'),
    });
    for (const [text, option] of [
      ['leaderboard --chart b.png', 'chart'],
      ['leaderboard -o b.csv', 'output'],
      ['eval mr x --queue', 'queue'],
      ['eval mr x --log-samples s.jsonl', 'log-samples'],
      ['eval mr x --output s.md', 'output'],
      ['compare a b --json', 'json'],
      ['status --json', 'json'],
      ['audit --json', 'json'],
    ]) {
      const name = text.split(' ')[0];
      expect(refusal(text, 'slack')).toEqual({
        message: `--${option} of "${name}" works only in a terminal.`,
        hint: usageHint(name, 'slack'),
      });
      expect(() => parse(text, 'terminal')).not.toThrow();
    }
    expect(refusal('ratings hs-pn --batch', 'terminal').message).toBe('--batch of "ratings" works only in Slack.');
  });

  it('reads every option of eval, each to its own field', () => {
    expect(parse('eval MR ｘ --limit ３ --concurrency 2 --run r-7 --dry-run --max-cost 1.5')).toEqual({
      kind: 'eval',
      task: 'MR',
      model: 'x',
      shot: 'one',
      limit: 3,
      concurrency: 2,
      runId: 'r-7',
      noCache: false,
      queue: false,
      json: false,
      dryRun: true,
      maxCost: 1.5,
      logSamples: undefined,
      output: undefined,
    });
    expect(parse('eval mr x --run ｒ１')).toMatchObject({ runId: 'ｒ１' });
    expect(parse('eval mr x --run 007')).toMatchObject({ runId: '007' });
    expect(parse('eval mr x --log-samples ａ.jsonl')).toMatchObject({ logSamples: 'ａ.jsonl' });
    expect(parse('eval mr x --no-cache', 'slack')).toMatchObject({ noCache: true, queue: false });
  });

  it('checks numbers and costs, naming the option', () => {
    expect(refusal('eval mr x --concurrency 0').message).toBe(
      '--concurrency must be a whole number from 1 to 256, not "0".',
    );
    expect(refusal('worker --concurrency 2.5').message).toBe(
      '--concurrency must be a whole number from 1 to 256, not "2.5".',
    );
    expect(refusal('eval mr x --limit=-3').message).toBe('--limit must be a whole number from 1 to 100,000, not "-3".');
    expect(parse('worker --concurrency ４')).toEqual({ kind: 'worker', concurrency: 4 });
    expect(parse('eval mr x --max-cost ＄３')).toMatchObject({ maxCost: 3 });
    expect(refusal('eval mr x --max-cost 2$').message).toBe(
      '--max-cost must be an amount in US dollars above 0 and at most 1,000,000, not "2$".',
    );
    expect(refusal('eval mr x --max-cost=-1').message).toBe(
      '--max-cost must be an amount in US dollars above 0 and at most 1,000,000, not "-1".',
    );
    expect(refusal('eval mr x --max-cost $$1').message).toBe(
      '--max-cost must be an amount in US dollars above 0 and at most 1,000,000, not "$$1".',
    );
  });

  it('writes a chart only to a .png or .svg file', () => {
    expect(parse('leaderboard --chart a.PNG')).toMatchObject({ chart: 'a.PNG' });
    expect(refusal('leaderboard --chart boardpng').message).toBe(
      '--chart boardpng: no extension to say the format; give a file ending in .png or .svg, or - for standard output.',
    );
    expect(refusal('leaderboard --chart b.svg.gz').message).toBe(
      '--chart b.svg.gz: .gz is not a format jcb writes; give a file ending in .png or .svg, or - for standard output.',
    );
  });

  it('reads models add options into the registry entry, each under its key', () => {
    expect(
      parse('models add ｌｏｃａｌ --provider OPENAI --model Qwen --base-url http://h/v1 --api-key-env K --label Q'),
    ).toEqual({
      kind: 'models-add',
      alias: 'local',
      entry: { provider: 'openai', model: 'Qwen', baseUrl: 'http://h/v1', apiKeyEnv: 'K', label: 'Q' },
    });
    expect(parse('models add a --provider openai --model m')).toEqual({
      kind: 'models-add',
      alias: 'a',
      entry: { provider: 'openai', model: 'm' },
    });
    expect(refusal('models add --provider openai --model m')).toEqual({
      message: '"models add" needs an alias, --provider and --model.',
      hint: `Usage: jcb ${USAGE['models add'][0]}`,
    });
    expect(refusal('models add a --provider openai').message).toBe(
      '"models add" needs an alias, --provider and --model.',
    );
    expect(refusal('models add a --provider open --model m').message).toBe(
      '--provider must be "openai" or "openai-compatible", not "open". Did you mean "openai"?',
    );
  });

  it('puts only the given options in the registry entry, and an alias only when one is given', () => {
    expect(parse('models add a --provider openai --model m')).toStrictEqual({
      kind: 'models-add',
      alias: 'a',
      entry: { provider: 'openai', model: 'm' },
    });
    expect(parse('models add a --provider openai --model m --base-url http://h/v1')).toStrictEqual({
      kind: 'models-add',
      alias: 'a',
      entry: { provider: 'openai', model: 'm', baseUrl: 'http://h/v1' },
    });
    expect(entryOf('models add a --provider openai --model m --label L')).toStrictEqual({
      provider: 'openai',
      model: 'm',
      label: 'L',
    });
    expect(entryOf('models add a --provider openai --model m --api-key-env K')).toStrictEqual({
      provider: 'openai',
      model: 'm',
      apiKeyEnv: 'K',
    });
    expect(parse('models')).toStrictEqual({ kind: 'models', json: false });
    expect(parse('models x')).toStrictEqual({ kind: 'models', json: false, alias: 'x' });
  });

  it('names the one allowed value of a single choice', () => {
    expect(refusal('ratings --by task').message).toBe('--by must be "model", not "task".');
  });

  it('reads the dir of data pull and export as typed', () => {
    expect(parse('data pull --dir ｄ')).toEqual({ kind: 'data-pull', dir: 'ｄ' });
    expect(parse('data pull')).toEqual({ kind: 'data-pull', dir: undefined });
    expect(parse('data check --json')).toEqual({ kind: 'data-check', json: true });
  });

  it('sets a flag only when given without a value; a flag given one is refused (every flag: test/options.test.ts)', () => {
    expect(refusal('tasks --json=false').message).toBe('--json takes no value: write --json alone.');
    expect(parse('runs --json')).toEqual({ kind: 'runs', json: true });
    expect(parse('digest --json')).toEqual({ kind: 'digest', schedule: undefined, json: true });
    expect(parse('ratings --correlate --json')).toMatchObject({ correlate: true, json: true });
  });

  it('refuses an option given twice (every option: test/options.test.ts)', () => {
    expect(refusal('run mr x --shot one --shot zero').message).toBe('--shot is given twice; give it once.');
    expect(refusal('eval mr x --limit 2 --limit=3').message).toBe('--limit is given twice; give it once.');
  });

  it('keeps dots and letter groups in option names as typed', () => {
    expect(refusal('run mr x --shot.x zero').message).toBe('Unknown option --shot.x for "run". Did you mean "--shot"?');
    expect(refusal('run mr x -jh').message).toBe('Unknown option -jh for "run".');
    expect(refusal('eval mr x --dryRun').message).toBe('Unknown option --dryRun for "eval". Did you mean "--dry-run"?');
    expect(refusal('eval mr x --no-queue').message).toBe(
      'Unknown option --no-queue for "eval". Did you mean "--queue"?',
    );
  });

  it('suggests only options of the command', () => {
    expect(refusal('tasks --limit 3')).toEqual({
      message: 'Unknown option --limit for "tasks".',
      hint: 'Usage: jcb tasks [--json]',
    });
    expect(refusal('tasks --hepl').message).toBe('Unknown option --hepl for "tasks". Did you mean "--help"?');
    expect(refusal('bot --json', 'terminal').message).toBe('Unknown option --json for "bot".');
  });
});

describe('positionals: tasks and models read after NFKC, ids and paths as typed', () => {
  it.each([
    ['eval ＡＬＬ ｌｌｍ－ｊｐ', { task: 'ALL', model: 'llm-jp' }],
    ['compare ａ ｂ ｍｒ', { a: 'a', b: 'b', task: 'mr' }],
    ['ratings ｈｓ－ｐｎ', { task: 'hs-pn' }],
    ['models ＧＰＴ－４ｏ', { alias: 'GPT-4o' }],
    ['digest ｎｉｇｈｔｌｙ', { schedule: 'ｎｉｇｈｔｌｙ' }],
    ['status ｒ１', { runId: 'ｒ１' }],
    ['cancel ｒ１', { runId: 'ｒ１' }],
    ['judge ｒ１', { runId: 'ｒ１' }],
    ['export ｒ１', { runId: 'ｒ１', dir: 'export-ｒ１' }],
    ['run ｍｒ ｘ ｄ１', { task: 'mr', model: 'x', doc: 'ｄ１' }],
  ])('"%s"', (text, expected) => {
    expect(parse(text)).toMatchObject(expected);
  });

  it('names what is missing and what is too many', () => {
    expect(refusal('run')).toEqual({
      message: '"run" needs a task and a model.',
      hint: `Usage: jcb ${USAGE.run[0]}`,
    });
    expect(refusal('eval all', 'slack')).toEqual({
      message: '"eval" needs a task (or "all") and a model.',
      hint: `Usage: /jcb ${USAGE.eval[1]}`,
    });
    expect(refusal('compare a', 'slack')).toEqual({
      message: '"compare" needs two models.',
      hint: `Usage: /jcb ${USAGE.compare[1]}`,
    });
    expect(refusal('cancel')).toEqual({
      message: '"cancel" needs a run id.',
      hint: 'See `jcb status` for the runs under way.',
    });
    expect(refusal('show')).toEqual({ message: '"show" needs a run id.', hint: 'See `jcb runs` for the stored runs.' });
    expect(refusal('ratings --batch')).toEqual({
      message: '"ratings --batch" needs a task to rate, e.g. `jcb ratings hs-pn --batch`.',
    });
    expect(refusal('tasks all', 'slack')).toEqual({
      message: 'Too many arguments for "tasks": "all".',
      hint: 'Usage: /jcb tasks',
    });
    expect(refusal('compare a b mr x y').message).toBe('Too many arguments for "compare": "x y".');
    expect(refusal('help eval run').message).toBe('Unknown command "eval run".');
  });
});

describe('commands by what people type', () => {
  it('suggests only commands of the face', () => {
    expect(refusal('help doctr').message).toBe('Unknown command "doctr". Did you mean "doctor"?');
    expect(refusal('help doctr', 'slack').message).toBe('Unknown command "doctr".');
    expect(refusal('help ｄａｔａ ｐｕｌ').message).toBe('Unknown command "data pul". Did you mean "data pull"?');
    expect(refusal('doctr').message).toBe('Unknown command "doctr". Did you mean "doctor"?');
    expect(refusal('doctr', 'slack')).toEqual({
      message: 'Unknown command "doctr".',
      hint:
        'Commands: run, eval, status, cancel, leaderboard, compare, digest, ratings, judge, tasks, models, audit,' +
        ' help. `/jcb help` describes them.',
    });
  });

  it('reads sub-commands in any case and width, and names them when wrong', () => {
    expect(parse('Models Add a --provider openai --model m')).toMatchObject({ kind: 'models-add' });
    expect(parse('models ａｄｄ a --provider openai --model m')).toMatchObject({ kind: 'models-add' });
    expect(refusal('data chek')).toEqual({
      message: 'Unknown data command "chek". Did you mean "check"?',
      hint: 'Usage: jcb data pull | jcb data check',
    });
    expect(refusal('models ad x', 'slack')).toEqual({
      message: 'Unknown models command "ad". Did you mean "add"?',
      hint: 'Usage: /jcb models add',
    });
    expect(parse('models a --json')).toEqual({ kind: 'models', json: true, alias: 'a' });
    expect(refusal('models add').message).toBe('"models add" needs an alias, --provider and --model.');
  });

  it('answers help and version before anything else', () => {
    expect(parse('--VERSION')).toEqual({ kind: 'version' });
    expect(parse('-v run')).toEqual({ kind: 'version' });
    expect(parse('run --help --shot x')).toEqual({ kind: 'help', command: 'run' });
    expect(parse('help', 'slack')).toEqual({ kind: 'help' });
    expect(parse('export -h', 'slack')).toEqual({ kind: 'help', command: 'export' });
  });
});

describe('what comes back to a person is bounded', () => {
  it('cuts every quoted echo, in the message and the hint', () => {
    const long = 'x'.repeat(200);
    expect(refusal(`run mr y ${long} ${long}`).message).toBe(`Too many arguments for "run": "${'x'.repeat(79)}…".`);
    expect(refusal(`data ${long}`)).toEqual({
      message: `Unknown data command "${'x'.repeat(79)}…".`,
      hint: 'Usage: jcb data pull | jcb data check',
    });
    expect(refusal(`eval mr x --limit ${long}`).message).toBe(
      `--limit must be a whole number from 1 to 100,000, not "${'x'.repeat(79)}…".`,
    );
  });

  it('bounds the whole line at 600 characters, even when quotes in a word leave text outside the echoes', () => {
    // A terminal word may hold quotes: the text between two of them is outside every echo, so only the bound cuts it.
    const words = ['cancel', 'r1', 'x"', 'y'.repeat(1000), '"z'];
    let message = '';
    try {
      parseCommand(words);
    } catch (err) {
      message = (err as UserError).message;
    }
    expect(message.startsWith('Too many arguments for "cancel": "x" yyy')).toBe(true);
    expect(Array.from(message)).toHaveLength(600);
    expect(message).toBe(`Too many arguments for "cancel": "x" ${'y'.repeat(600 - 38)}…`);
    const fits = ['cancel', 'r1', 'x"', 'y'.repeat(562 - 4), '"z'];
    expect(() => parseCommand(fits)).toThrow(/^Too many arguments for "cancel": "x" y+ "z"\.$/);
  });

  it("lets a programming error through as it is, not as a person's mistake", () => {
    expect(() => parseCommand([null as unknown as string])).toThrow(TypeError);
  });

  it('keeps a message without a hint without one', () => {
    expect(refusal('leaderboard --source x').hint).toBeUndefined();
  });
});

describe('the help of a command without options', () => {
  it('is its usage, its summary, -h/--help and its example', () => {
    expect(commandHelp('bot')).toBe(
      [
        'Usage: jcb bot',
        '',
        'The Slack bot (see README, "Connect Slack").',
        '',
        'Options:',
        '  -h, --help  Show this help.',
        '',
        'Examples:',
        '  jcb bot',
      ].join('\n'),
    );
    expect(commandHelp('cancel', 'slack')).toBe(
      [
        'Usage: /jcb cancel <run>',
        '',
        'Cancel a run: waiting documents dropped, finished ones kept.',
        '',
        'Options:',
        '  -h, --help  Show this help.',
        '',
        'Examples:',
        '  /jcb cancel 20261129-020000-3f9a',
      ].join('\n'),
    );
  });
});

describe('the overview', () => {
  it('lists every command of the face with its usage and summary on indented lines', () => {
    for (const face of ['terminal', 'slack'] as const) {
      const lines = overview(face, 1000).split('\n');
      expect(lines.slice(0, 2)).toEqual(['jcb — J-ClinicalBench harness', '']);
      const entries = Object.entries(USAGE).filter(([, u]) => u[face === 'terminal' ? 0 : 1] !== null);
      expect(lines.slice(2, 2 + 2 * entries.length)).toEqual(
        entries.flatMap(([name, u]) => [
          `  ${PROGRAM[face]} ${u[face === 'terminal' ? 0 : 1]}`,
          `      ${COMMANDS_BY_NAME.get(name)!.summary}`,
        ]),
      );
      expect(lines.slice(2 + 2 * entries.length)).toEqual([
        '',
        `${PROGRAM[face]} <command> --help describes every option of a command; ${PROGRAM[face]} --version prints the version.`,
      ]);
    }
  });

  it('is for the terminal, 80 columns wide, unless asked otherwise', () => {
    expect(overview()).toBe(overview('terminal', 80));
    expect(overview().split('\n')[2]).toBe('  jcb run <task> <model> [<doc-id>|random|all] [--shot one|zero] [--json]');
    expect(commandHelp('eval')).toBe(commandHelp('eval', 'terminal', 80));
    expect(commandHelp('eval').split('\n')[0]).toBe(
      // 78 characters: " [--limit" would pass the 80th column.
      'Usage: jcb eval <task|all> <model> [--shot one|zero] [--labels paper|reviewed]',
    );
  });

  it('wraps long lines at spaces with their indents', () => {
    const lines = overview('terminal', 40).split('\n');
    const evalAt = lines.findIndex((l) => l.startsWith('  jcb eval '));
    expect(lines[evalAt]).toBe('  jcb eval <task|all> <model> [--shot');
    expect(lines[evalAt + 1]).toBe('      one|zero] [--labels');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
  });

  it('wraps at exactly the width, and never breaks a word longer than it', () => {
    // "Usage: jcb bot" is 14 characters: it fits a width of 14 and wraps at 13.
    expect(commandHelp('bot', 'terminal', 14).split('\n')[0]).toBe('Usage: jcb bot');
    expect(commandHelp('bot', 'terminal', 13).split('\n').slice(0, 2)).toEqual(['Usage: jcb', '    bot']);
    expect(commandHelp('bot', 'terminal', 3).split('\n').slice(0, 3)).toEqual(['Usage:', '    jcb', '    bot']);
  });
});

describe('free text: keywords and --model', () => {
  it.each(
    Object.entries({
      simplify: 'cts',
      codes: 'cca',
      drugs: 'mr',
      tnm: 'dc-tnm',
      diseases: 'ner-d',
      meds: 'ner-med',
      summary: 'hs-pn',
    }),
  )('"%s:" is the task %s', (keyword, task) => {
    expect(KEYWORDS[keyword]).toBe(task);
    expect(parseConversation(`${keyword.toUpperCase()}: 本文`)).toEqual({ task, model: undefined, text: '本文' });
    expect(CONVERSATION_HELP).toContain(`\`${keyword}: …\` (${task})`);
  });

  it('has exactly those keywords, and says how to write a message', () => {
    expect(Object.keys(KEYWORDS)).toHaveLength(7);
    expect(CONVERSATION_HELP).toBe(
      'Write a task and your text: `cts <text>`, or a keyword: `simplify: …` (cts), `codes: …` (cca), ' +
        '`drugs: …` (mr), `tnm: …` (dc-tnm), `diseases: …` (ner-d), `meds: …` (ner-med), `summary: …` (hs-pn).' +
        ' Add `--model <alias>` to choose the model.',
    );
    expect(() => parseConversation('本文だけ')).toThrow(/^I need a task and a text\.$/);
    try {
      parseConversation('本文だけ');
    } catch (err) {
      expect((err as UserError).hint).toBe(CONVERSATION_HELP);
    }
  });

  it('reads a task id typed in any width and case, and a keyword without a space', () => {
    expect(parseConversation('ＮＥＲ－Ｄ 肺炎')).toEqual({ task: 'ner-d', model: undefined, text: '肺炎' });
    expect(parseConversation('ner‐med アスピリン')).toEqual({ task: 'ner-med', model: undefined, text: 'アスピリン' });
    expect(parseConversation('dc－tnm T1')).toMatchObject({ task: 'dc-tnm' });
    // Every dash look-alike a Japanese keyboard or editor gives: U+2015, minus sign, ー and half-width ｰ.
    for (const dash of ['\u2015', '\u2212', '\u30fc', '\uff70'])
      expect(parseConversation(`ner${dash}med 本文`)).toEqual({ task: 'ner-med', model: undefined, text: '本文' });
    expect(parseConversation('drugs:ロキソニン')).toEqual({ task: 'mr', model: undefined, text: 'ロキソニン' });
    // The text as typed: Slack's mentions are undone by its face (handlers/slack-text.ts), nothing removed here.
    expect(parseConversation('cts <@U2> と @user の本文')).toEqual({
      task: 'cts',
      model: undefined,
      text: '<@U2> と @user の本文',
    });
  });

  it('takes --model in any width, wherever it is, keeping the text around it', () => {
    expect(parseConversation('cts 本文 ——model ｂａｓｅｌｉｎｅ')).toEqual({
      task: 'cts',
      model: 'baseline',
      text: '本文',
    });
    expect(parseConversation('cts --MODEL x 本文')).toEqual({ task: 'cts', model: 'x', text: '本文' });
    expect(parseConversation('cts 前\t--model x\t後')).toEqual({ task: 'cts', model: 'x', text: '前 後' });
    expect(parseConversation('cts 前 \t  --model x \u3000  後')).toEqual({ task: 'cts', model: 'x', text: '前 後' });
    expect(parseConversation('cts 前\u3000--model x\u3000後')).toEqual({ task: 'cts', model: 'x', text: '前 後' });
    // A second --model, in any form, is refused rather than sent as text (issue 27).
    for (const twice of ['cts 前 --model x --model y 後', 'cts 前 --model=x 後 --model', 'cts --model x 前 ——MODEL＝y'])
      expect(() => parseConversation(twice), twice).toThrow(/^`--model` is given more than once\.$/);
    expect(() => parseConversation('--model x')).toThrow(/^I need a task and a text\.$/);
    expect(() => parseConversation('cts --model x')).toThrow(/^I need a task and a text\.$/);
  });

  it('says the length of a text over the limit, and what to do', () => {
    try {
      parseConversation(`cts ${'a'.repeat(8001)}`);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toBe('The text is 8,001 characters long; the limit is 8,000.');
      expect((err as UserError).hint).toBe('Send a shorter part of it.');
    }
    expect.assertions(3);
  });
});

describe('tokens and suggestions', () => {
  it('reads flags typed in full width or with editor dashes', () => {
    expect(parse('ｅｖａｌ mr x ——limit ５ －－ｓｈｏｔ ｚｅｒｏ')).toMatchObject({
      kind: 'eval',
      limit: 5,
      shot: 'zero',
    });
    expect(parse('run mr x –json')).toMatchObject({ json: true });
    expect(normalizeToken('llm—jp')).toBe('llm-jp');
    expect(normalizeToken('—1')).toBe('-1');
    expect(normalizeToken('—JSON')).toBe('--JSON');
  });

  it('suggests the nearest candidate, then the one closest in length, in any case', () => {
    expect(suggest('abc', ['axy'])).toBeUndefined();
    expect(suggest('ner-mde', ['ner-d', 'ner-med'])).toBe('ner-med');
    expect(suggest('ner-mde', ['ner-med', 'ner-d'])).toBe('ner-med');
    expect(suggest('evals', ['evalxy', 'eval'])).toBe('eval');
    expect(suggest('EVL', ['EVAL'])).toBe('EVAL');
  });
});
