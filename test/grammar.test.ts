import { describe, expect, it } from 'vitest';
import { COMMANDS, COMMANDS_BY_NAME } from '../src/command/commands.js';
import { parseConversation } from '../src/command/conversation.js';
import { parseCommand, splitWords } from '../src/command/grammar.js';
import { commandHelp, helpEntries } from '../src/command/help.js';
import { cutEcho, suggest } from '../src/base/suggest.js';
import { UserError } from '../src/base/errors.js';
import { findDocument, findTask } from '../src/evaluation/documents.js';
import { findModel } from '../src/models/registry.js';
import { helpMessage } from '../handlers/blocks/help.js';

const parse = (text: string) => parseCommand(splitWords(text));

describe('the command grammar', () => {
  it('parses run with defaults and options in any place', () => {
    expect(parse('run mr llm-jp')).toEqual({
      kind: 'run',
      task: 'mr',
      model: 'llm-jp',
      doc: 'random',
      shot: 'one',
      json: false,
    });
    expect(parse('run --shot zero dc-tnm gpt-5 random --json')).toEqual({
      kind: 'run',
      task: 'dc-tnm',
      model: 'gpt-5',
      doc: 'random',
      shot: 'zero',
      json: true,
    });
    expect(parse('run irs gpt-4o 3 --shot=one')).toMatchObject({ doc: '3', shot: 'one' });
  });
  it('keeps quoted words together', () => {
    expect(splitWords('run cts gpt-4o "a b" x')).toEqual(['run', 'cts', 'gpt-4o', 'a b', 'x']);
  });
  it('parses the other commands', () => {
    expect(parse('')).toEqual({ kind: 'help' });
    expect(parse('leaderboard --shot zero')).toEqual({
      kind: 'leaderboard',
      shot: 'zero',
      source: 'paper',
      json: false,
    });
    expect(parse('score some/file.json --json')).toEqual({ kind: 'score', target: 'some/file.json', json: true });
    expect(parse('data pull --dir /tmp/x')).toEqual({ kind: 'data-pull', dir: '/tmp/x' });
    expect(parse('data check')).toEqual({ kind: 'data-check', json: false });
    expect(parse('TASKS')).toEqual({ kind: 'tasks', json: false });
  });
  it.each([
    ['frobnicate', /Unknown command "frobnicate"/],
    ['run mr', /needs a task and a model/],
    ['run mr llm-jp 1 2', /Too many arguments/],
    ['run mr llm-jp --shot three', /--shot must be "one" or "zero"/],
    ['run mr llm-jp --shot', /--shot needs a value/],
    ['leaderboard --publish #general', /Unknown option --publish/],
    ['data push', /Unknown data command "push"/],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parse(text)).toThrow(UserError);
    expect(() => parse(text)).toThrow(message);
  });
});

describe('the evaluation commands', () => {
  it('parses eval with its options', () => {
    expect(parse('eval all baseline --limit 5 --concurrency 8 --run r1 --no-cache --shot zero')).toEqual({
      kind: 'eval',
      task: 'all',
      model: 'baseline',
      shot: 'zero',
      limit: 5,
      concurrency: 8,
      runId: 'r1',
      noCache: true,
      queue: false,
      json: false,
    });
    expect(parse('runs')).toEqual({ kind: 'runs', json: false });
    expect(parse('eval mr llm-jp --queue')).toMatchObject({ kind: 'eval', queue: true });
    expect(parse('run mr llm-jp all --shot zero')).toMatchObject({
      kind: 'eval',
      task: 'mr',
      model: 'llm-jp',
      shot: 'zero',
      queue: true,
    });
    expect(parse('worker --concurrency 4')).toEqual({ kind: 'worker', concurrency: 4 });
    expect(parse('status')).toEqual({ kind: 'status', runId: undefined, all: false, json: false });
    expect(parse('cancel r1')).toEqual({ kind: 'cancel', runId: 'r1' });
    expect(parse('digest nightly')).toEqual({ kind: 'digest', schedule: 'nightly', json: false });
    expect(parse('compare gpt-4o llm-jp mr')).toEqual({
      kind: 'compare',
      a: 'gpt-4o',
      b: 'llm-jp',
      task: 'mr',
      shot: 'one',
      json: false,
    });
    expect(parse('leaderboard --post #general --chart b.png')).toMatchObject({ post: '#general', chart: 'b.png' });
    expect(parse('show r1 --json')).toEqual({ kind: 'show', runId: 'r1', json: true });
    expect(parse('export r1')).toEqual({ kind: 'export', runId: 'r1', dir: 'export-r1' });
    expect(parse('leaderboard --source runs')).toMatchObject({ kind: 'leaderboard', source: 'runs' });
    expect(parse('models add v --provider openai-compatible --model m --base-url http://x/v1')).toEqual({
      kind: 'models-add',
      alias: 'v',
      entry: { provider: 'openai-compatible', model: 'm', baseUrl: 'http://x/v1' },
    });
  });
  it.each([
    ['eval mr', /needs a task \(or "all"\) and a model/],
    ['eval mr x --limit 0', /--limit must be a whole number from 1 to 100,000, not "0"/],
    ['eval mr x --concurrency many', /--concurrency must be a whole number/],
    ['show', /needs a run id/],
    ['leaderboard --source mine', /--source must be "paper" or "runs"/],
    ['models remove x', /Unknown models command "remove"/],
    ['models add x --provider openai', /needs an alias, --provider and --model/],
    ['eval mr x --max-cost 0', /--max-cost must be an amount in US dollars above 0 and at most 1,000,000, not "0"/],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});

describe('help and version, generated from the command table', () => {
  it.each(COMMANDS.map((c) => [c.name]))(
    '"%s --help" and "-h" ask for its help, which describes every option',
    (name) => {
      expect(parse(`${name} --help`)).toEqual({ kind: 'help', command: name });
      expect(parse(`${name} -h`)).toEqual({ kind: 'help', command: name });
      expect(parse(`help ${name}`)).toEqual({ kind: 'help', command: name });
      const text = commandHelp(name, 'terminal', 1000);
      for (const o of COMMANDS_BY_NAME.get(name)!.options) {
        if (o.faces === 'slack') continue;
        expect(text).toContain(`--${o.name}`);
        expect(text).toContain(o.description);
      }
      expect(text).toContain('-h, --help');
    },
  );
  it('every example in the table parses to its command', () => {
    for (const c of COMMANDS) {
      for (const e of c.examples) {
        const cmd = parseCommand(splitWords(e));
        if (c.name === 'help') expect(cmd).toMatchObject({ kind: 'help' });
        else expect(cmd.kind.replace('-', ' ')).toMatch(new RegExp(`^${c.name.split(' ')[0]}`));
      }
      expect(c.summary).not.toBe('');
    }
  });
  it('reads --version and -v, and help of an unknown command says which one was meant', () => {
    expect(parse('--version')).toEqual({ kind: 'version' });
    expect(parse('-v')).toEqual({ kind: 'version' });
    expect(parse('--help')).toEqual({ kind: 'help' });
    expect(() => parse('help evl')).toThrow(/Unknown command "evl". Did you mean "eval"\?/);
  });
  it('writes Slack usage in /jcb form, with no terminal-only command, option or advice', () => {
    const slack = helpEntries('slack');
    const names = slack.map((e) => e.name);
    for (const n of [
      'run',
      'eval',
      'status',
      'cancel',
      'digest',
      'compare',
      'ratings',
      'judge',
      'leaderboard',
      'tasks',
      'models',
      'audit',
    ])
      expect(names).toContain(n);
    for (const n of [
      'worker',
      'bot',
      'export',
      'data pull',
      'data check',
      'runs',
      'show',
      'score',
      'doctor',
      'models add',
    ])
      expect(names).not.toContain(n);
    const text = slack.map((e) => `${e.usage} ${e.summary}`).join('\n');
    expect(text).not.toMatch(/--json|--queue|--chart|--output|--log-samples|jcb runs|\/tmp|npx/);
    expect(slack.every((e) => e.usage.startsWith('/jcb '))).toBe(true);
    expect(commandHelp('leaderboard', 'slack')).not.toMatch(/--json|--chart/);
    expect(() => parseCommand(['run', 'mr'], { face: 'slack' })).toThrow(/needs a task and a model/);
    try {
      parseCommand(['run', 'mr'], { face: 'slack' });
    } catch (err) {
      expect((err as UserError).hint).toMatch(/^Usage: \/jcb run /);
    }
    expect(helpEntries('terminal').map((e) => e.name)).toEqual(
      expect.arrayContaining(['worker', 'bot', 'export', 'data pull']),
    );
  });
  it('Slack help and App Home list every /jcb command with mrkdwn escaped', () => {
    const blocks = JSON.stringify(helpMessage().blocks);
    for (const e of helpEntries('slack')) expect(blocks).toContain(`/jcb ${e.name}`);
    expect(blocks).toContain('&lt;task&gt;');
    expect(blocks).not.toContain('<task>');
    expect(JSON.stringify(helpMessage('eval').blocks)).toContain('--limit N');
  });
});

describe('what each face offers', () => {
  it('refuses options and commands of the other face in one line', () => {
    expect(() => parseCommand(splitWords('run mr x --json'), { face: 'slack' })).toThrow(
      /--json of "run" works only in a terminal/,
    );
    expect(() => parseCommand(splitWords('leaderboard --post #g'), { face: 'terminal' })).toThrow(
      /--post of "leaderboard" works only in Slack/,
    );
    expect(() => parseCommand(splitWords('ratings hs-pn --batch'), { face: 'terminal' })).toThrow(
      /works only in Slack/,
    );
    expect(() => parseCommand(['export', 'r1'], { face: 'slack' })).toThrow(/"export" runs in a terminal/);
    try {
      parseCommand(['frob'], { face: 'slack' });
    } catch (err) {
      expect((err as UserError).hint).toMatch(/^Commands: run, eval, .*audit, help. `\/jcb help` describes them.$/);
      expect((err as UserError).hint).not.toMatch(/worker|export/);
    }
  });
});

describe("options that take values, and each command's branches", () => {
  it('never takes the next option as a value', () => {
    expect(() => parse('run mr llm-jp --shot --json')).toThrow(/--shot needs a value/);
    expect(() => parse('eval mr x --limit --queue')).toThrow(/--limit needs a value/);
  });
  it.each([
    ['compare gpt-4o', /"compare" needs two models/],
    ['compare', /"compare" needs two models/],
    ['judge', /"judge" needs a run id/],
    ['cancel', /"cancel" needs a run id/],
    ['ratings --batch', /needs a task to rate/],
    ['ratings --by task', /--by must be "model", not "task"/],
    ['run mr x --shot zreo', /--shot must be "one" or "zero", not "zreo". Did you mean "zero"\?/],
    [
      'leaderboard --chart board.gif',
      /--chart board.gif: .gif is not a format jcb writes; give a file ending in .png or .svg/,
    ],
    ['run mr x --jsn', /Unknown option --jsn for "run". Did you mean "--json"\?/],
    ['evl mr x', /Unknown command "evl". Did you mean "eval"\?/],
    ['models remove x', /Unknown models command "remove"/],
    ['data pul', /Unknown data command "pul". Did you mean "pull"\?/],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
  it('parses ratings, judge, compare, status and models branches', () => {
    expect(parse('ratings hs-pn --by model --json')).toEqual({
      kind: 'ratings',
      task: 'hs-pn',
      byModel: true,
      batch: false,
      correlate: false,
      json: true,
    });
    expect(parse('ratings hs-pn --batch')).toMatchObject({ batch: true, task: 'hs-pn' });
    expect(parse('ratings --correlate')).toMatchObject({ correlate: true, task: undefined, byModel: false });
    expect(parse('judge r1 --judge GPT-4o')).toEqual({ kind: 'judge', runId: 'r1', judge: 'GPT-4o' });
    expect(parse('judge r1')).toEqual({ kind: 'judge', runId: 'r1' });
    expect(parse('compare a b --shot zero --json')).toMatchObject({
      a: 'a',
      b: 'b',
      task: undefined,
      shot: 'zero',
      json: true,
    });
    expect(parse('status r1 --json')).toEqual({ kind: 'status', runId: 'r1', all: false, json: true });
    expect(parse('models --json')).toEqual({ kind: 'models', json: true });
    expect(parse('leaderboard --shot=ZERO')).toMatchObject({ shot: 'zero' });
  });
});

describe('cost, output and chart options', () => {
  it('parses "audit"', () => {
    expect(parse('audit --json')).toEqual({ kind: 'audit', json: true });
  });
  it('holds their values', () => {
    expect(() => parse('eval mr x --max-cost free')).toThrow(
      /--max-cost must be an amount in US dollars above 0 and at most 1,000,000, not "free"/,
    );
    expect(parse('eval mr x --dry-run --max-cost $2.5 --log-samples s.jsonl -o out.md')).toMatchObject({
      dryRun: true,
      maxCost: 2.5,
      logSamples: 's.jsonl',
      output: 'out.md',
    });
    expect(parse('leaderboard --chart b.svg --view bars --output t.csv')).toMatchObject({
      chart: 'b.svg',
      view: 'bars',
      output: 't.csv',
    });
    expect(parse('compare a b -o c.json')).toMatchObject({ output: 'c.json' });
    expect(parse('score --output=s.md')).toMatchObject({ output: 's.md' });
    expect(parse('doctor')).toEqual({ kind: 'doctor', json: false });
    expect(parseCommand(['doctor', '--json'])).toEqual({ kind: 'doctor', json: true });
    expect(parseCommand(splitWords('score -o out.csv'))).toMatchObject({ output: 'out.csv' });
    expect(parseCommand(splitWords('leaderboard --view heatmap --chart t.svg'))).toMatchObject({ view: 'heatmap' });
    expect(parseCommand(splitWords('eval mr x --log-samples s.jsonl'))).toMatchObject({ logSamples: 's.jsonl' });
    expect(parse('audit --json')).toEqual({ kind: 'audit', json: true });
    expect(parse('models GPT-4o')).toEqual({ kind: 'models', json: false, alias: 'GPT-4o' });
  });
});

describe('tokens read after NFKC; free text and ids as typed', () => {
  it('reads full-width commands, tasks, models and flags', () => {
    expect(parse('ｒｕｎ　ｍｒ　ｌｌｍ－ｊｐ')).toMatchObject({ kind: 'run', task: 'mr', model: 'llm-jp' });
    expect(parse('ｒｕｎ ｍｒ ｌｌｍｰｊｐ －－ｓｈｏｔ　ｚｅｒｏ')).toMatchObject({ model: 'llm-jp', shot: 'zero' });
    expect(parse('run mr llm—jp —json')).toMatchObject({ model: 'llm-jp', json: true });
    expect(parse('ＥＶＡＬ mr x ——limit ５')).toMatchObject({ kind: 'eval', limit: 5 });
    expect(splitWords('ｒｕｎ　ｍｒ')).toEqual(['ｒｕｎ', 'ｍｒ']);
  });
  it('keeps document ids, run ids and paths as typed', () => {
    expect(parse('run cts gpt-4o １４_急性硬膜下血腫')).toMatchObject({ doc: '１４_急性硬膜下血腫' });
    expect(parse('score ｄａｔａ/ｘ.json')).toMatchObject({ target: 'ｄａｔａ/ｘ.json' });
    expect(parse('show ｒ１')).toMatchObject({ runId: 'ｒ１' });
  });
});

describe('tasks and models by what people type', () => {
  it('accepts the Table 4 labels as task ids, case-insensitively and full-width', () => {
    expect(findTask('DC-TMN').id).toBe('dc-tnm');
    expect(findTask('dc-tmn').id).toBe('dc-tnm');
    expect(findTask('NER-Med').id).toBe('ner-med');
    expect(findTask('ｎｅｒ－ｍｅｄ').id).toBe('ner-med');
    expect(findTask('ExamQA').id).toBe('examqa');
  });
  it('says which task or model was meant', () => {
    expect(() => findTask('ner-mde')).toThrow(/Unknown task "ner-mde". Did you mean "ner-med"\?/);
    expect(() => findTask('nope')).toThrow(/^Unknown task "nope".$/);
    expect(() => findModel('gpt4o')).toThrow(/Unknown model "gpt4o". Did you mean "gpt-4o"\?/);
    expect(findModel('ＧＰＴ－４ｏ').alias).toBe('gpt-4o');
    expect(suggest('xyzzy', ['eval', 'run'])).toBeUndefined();
  });
});

describe('echoed input is cut', () => {
  it('never sends a long input back whole', () => {
    const huge = 'x'.repeat(1_000_000);
    for (const text of [
      huge,
      `run mr llm-jp 1 ${'y '.repeat(500_000)}`,
      `run mr x --${huge}`,
      `run mr x --shot ${huge}`,
    ]) {
      try {
        parse(text);
        expect.unreachable();
      } catch (err) {
        const e = err as UserError;
        expect(e).toBeInstanceOf(UserError);
        expect(e.message.length + (e.hint?.length ?? 0)).toBeLessThan(1000);
        expect(e.message).toContain('…');
      }
    }
    expect(() => findTask(huge)).toThrow(/^Unknown task "x{79}…"/);
    expect(() => findDocument([{ id: 'A_p1' }], huge, findTask('mr'))).toThrow(/^No document "x{79}…" in mr\.$/);
    expect(cutEcho('短い')).toBe('短い');
  });
});

describe('free text to the bot', () => {
  it('takes --model anywhere and removes it, leaving the text as written', () => {
    expect(parseConversation('drugs: アスピリン 100mg を内服 --model baseline')).toEqual({
      task: 'mr',
      model: 'baseline',
      text: 'アスピリン 100mg を内服',
    });
    expect(parseConversation('cts 発熱 --model gpt-4o があり　全角ＡＢＣ')).toEqual({
      task: 'cts',
      model: 'gpt-4o',
      text: '発熱 があり　全角ＡＢＣ',
    });
    expect(parseConversation('--model llm-jp simplify: 既往歴なし')).toEqual({
      task: 'cts',
      model: 'llm-jp',
      text: '既往歴なし',
    });
    expect(parseConversation('ｄｒｕｇｓ：ロキソニン　－－ｍｏｄｅｌ　ｂａｓｅｌｉｎｅ')).toEqual({
      task: 'mr',
      model: 'baseline',
      text: 'ロキソニン',
    });
    expect(parseConversation('cts 一行目\n--model baseline\n二行目')).toEqual({
      task: 'cts',
      model: 'baseline',
      text: '一行目\n\n二行目',
    });
  });
});

describe('one document, one id', () => {
  it('takes a document listed twice as one, and names distinct documents when ambiguous', () => {
    const docs = [{ id: '14_p5.txt' }, { id: '14_p5.txt' }, { id: '13_a' }, { id: '13_b' }];
    expect(findDocument(docs, '14_p5', findTask('cts'))).toBe(docs[0]);
    expect(() => findDocument(docs, '13_', findTask('cts'))).toThrow(/is ambiguous in cts: 13_a, 13_b\.$/);
  });
});

describe('live-model options', () => {
  it('parses models <alias>, --dry-run and --max-cost', () => {
    expect(parseCommand(['models', 'gpt-5-live'])).toEqual({ kind: 'models', json: false, alias: 'gpt-5-live' });
    expect(parseCommand(['eval', 'all', 'gpt-4o-live', '--dry-run', '--max-cost', '$2.5'])).toMatchObject({
      kind: 'eval',
      dryRun: true,
      maxCost: 2.5,
    });
  });
});
