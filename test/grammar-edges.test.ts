// The grammar's options, errors and help text at their edges: what mutation testing found no test holding.
import { describe, expect, it } from 'vitest';
import { parseConversation, MAX_FREE_TEXT } from '../src/command/conversation.js';
import { isCommandWord, splitWords } from '../src/command/grammar.js';
import { COMMANDS } from '../src/command/commands.js';
import { commandHelp, helpEntries, overview, usageHint, usageLine } from '../src/command/help.js';
import { cutEcho, ECHO_LIMIT, normalizeToken, suggest } from '../src/base/suggest.js';

import { parse, refusal } from './grammar-helpers.js';

describe('words and command words', () => {
  it('groups single- and double-quoted words and splits on any whitespace', () => {
    expect(splitWords(`a 'b c' "d e"\tf\u3000g`)).toEqual(['a', 'b c', 'd e', 'f', 'g']);
    expect(splitWords(`'' ""`)).toEqual(['', '']);
    expect(splitWords('  ')).toEqual([]);
  });

  it('recognises a command word in any width and case, or one named command', () => {
    expect(isCommandWord('ＲＵＮ')).toBe(true);
    expect(isCommandWord('data')).toBe(true);
    expect(isCommandWord('pull')).toBe(false);
    expect(isCommandWord('ｈｅｌｐ', 'help')).toBe(true);
    expect(isCommandWord('run', 'help')).toBe(false);
  });
});

describe('options', () => {
  it('reads --flag=value with a full-width equals sign, the value as typed', () => {
    expect(parse('run mr x --shot＝ＺＥＲＯ')).toMatchObject({ shot: 'zero' });
    expect(parse('export r1 --dir=Ａ=b')).toEqual({ kind: 'export', runId: 'r1', dir: 'Ａ=b' });
    expect(parse('run cts x a=b')).toMatchObject({ doc: 'a=b' });
  });

  it('reads a short option typed full-width, and a dash inside a positional is not an option', () => {
    expect(parse('run mr x －ｈ')).toEqual({ kind: 'help', command: 'run' });
    expect(parse('score a.json －ｏ out.csv')).toMatchObject({ target: 'a.json', output: 'out.csv' });
    expect(parse('run cts x ＡＢ-c')).toMatchObject({ doc: 'ＡＢ-c' });
    expect(parse('show ｒ-ａ')).toMatchObject({ runId: 'ｒ-ａ' });
  });

  it('names an unknown short or long option as typed, with the usage', () => {
    expect(refusal('run mr x -q')).toEqual({
      message: 'Unknown option -q for "run".',
      hint: 'Usage: jcb run <task> <model> [<doc-id>|random|all] [--shot one|zero] [--json]',
    });
    expect(refusal('run mr x --quiet').message).toBe('Unknown option --quiet for "run".');
    expect(refusal('run mr x --shot=', 'slack')).toEqual({
      message: '--shot needs a value.',
      hint: 'Usage: /jcb run <task> <model> [<doc-id>|random|all] [--shot one|zero]',
    });
  });

  it('reads a model option after NFKC, keeping its case, and refuses a flag given twice', () => {
    expect(parse('judge r1 --judge ＧＰＴ－４ｏ')).toEqual({ kind: 'judge', runId: 'r1', judge: 'GPT-4o' });
    expect(refusal('tasks --json －－ｊｓｏｎ').message).toBe('--json is given twice; give it once.');
  });

  it('lists every allowed value when a choice is wrong', () => {
    expect(refusal('models add a --provider azure --model m').message).toBe(
      '--provider must be "openai" or "openai-compatible", not "azure".',
    );
    expect(refusal('leaderboard --source RUN').message).toBe(
      '--source must be "paper" or "runs", not "RUN". Did you mean "runs"?',
    );
  });

  it('checks counts and costs', () => {
    expect(parse('eval mr x --limit 1')).toMatchObject({ limit: 1 });
    expect(refusal('eval mr x --limit 1.5').message).toBe(
      '--limit must be a whole number from 1 to 100,000, not "1.5".',
    );
    expect(parse('worker')).toEqual({ kind: 'worker', concurrency: undefined });
    expect(parse('eval mr x --max-cost 0.01')).toMatchObject({ maxCost: 0.01 });
    expect(refusal('eval mr x --max-cost 0').message).toBe(
      '--max-cost must be an amount in US dollars above 0 and at most 1,000,000, not "0".',
    );
    expect(parse('eval mr x')).toMatchObject({ dryRun: undefined, maxCost: undefined, noCache: false });
  });
});

describe('commands and their errors', () => {
  it('reads help in every form', () => {
    expect(parse('-h')).toEqual({ kind: 'help' });
    expect(parse('--help eval')).toEqual({ kind: 'help', command: 'eval' });
    expect(parse('help data pull')).toEqual({ kind: 'help', command: 'data pull' });
    expect(parse('ＨＥＬＰ')).toEqual({ kind: 'help' });
    expect(parse('-V')).toEqual({ kind: 'version' });
    expect(parse('－－ｖｅｒｓｉｏｎ')).toEqual({ kind: 'version' });
    expect(refusal('help export', 'slack').message).toBe('"export" runs in a terminal: `npx jcb export …`.');
    expect(refusal('help frob', 'slack').message).toBe('Unknown command "frob".');
  });

  it('says where a command of the other face runs', () => {
    expect(parse('runs', 'terminal')).toEqual({ kind: 'runs', json: false });
    expect(refusal('runs', 'slack').message).toBe('"runs" runs in a terminal: `npx jcb runs …`.');
  });

  it('explains a missing or wrong sub-command; a group alone or with --help is its help', () => {
    for (const words of ['data', 'data --help', 'data -h', 'help data', 'ｄａｔａ'])
      expect(parse(words, 'terminal')).toEqual({ kind: 'help', command: 'data' });
    expect(refusal('data frob')).toEqual({
      message: 'Unknown data command "frob".',
      hint: 'Usage: jcb data pull | jcb data check',
    });
    expect(refusal('models a b')).toEqual({
      message: 'Unknown models command "a".',
      hint: 'Usage: jcb models add',
    });
    expect(parse('models --json a')).toEqual({
      kind: 'models',
      json: true,
      alias: 'a',
    });
    expect(parse('DATA ＰＵＬＬ')).toEqual({ kind: 'data-pull', dir: undefined });
  });

  it('lists the commands of the face after an unknown one', () => {
    expect(refusal('frob')).toEqual({
      message: 'Unknown command "frob".',
      hint: `Commands: ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')}. \`jcb help\` describes them.`,
    });
  });

  it('names the extra arguments', () => {
    expect(refusal('cancel r1 r2 r3').message).toBe('Too many arguments for "cancel": "r2 r3".');
  });

  it('gives each command its hint', () => {
    expect(refusal('judge', 'slack')).toEqual({
      message: '"judge" needs a run id.',
      hint: '`/jcb status` lists the runs under way.',
    });
    expect(refusal('judge').hint).toBe('See `jcb runs`.');
    expect(refusal('cancel', 'slack').hint).toBe('See `/jcb status` for the runs under way.');
    expect(refusal('export')).toEqual({
      message: '"export" needs a run id.',
      hint: 'See `jcb runs` for the stored runs.',
    });
    expect(refusal('ratings --batch', 'slack').message).toBe(
      '"ratings --batch" needs a task to rate, e.g. `/jcb ratings hs-pn --batch`.',
    );
    expect(refusal('compare a').hint).toBe(
      'Usage: jcb compare <model-a> <model-b> [<task>] [--shot one|zero] [--labels paper|reviewed] [-o|--output PATH] [--format md|json|csv] [--include-private] [--json]',
    );
  });

  it('builds every command with its defaults', () => {
    expect(parse('run cts x ALL')).toMatchObject({ kind: 'eval', queue: true, noCache: false, json: false });
    expect(parse('leaderboard --chart B.SVG')).toMatchObject({ chart: 'B.SVG', source: 'paper', shot: 'one' });
    expect(refusal('leaderboard --chart b.png.txt').message).toBe(
      '--chart b.png.txt: .txt is not a format jcb writes; give a file ending in .png or .svg, or - for standard output.',
    );
    expect(parse('models add a --provider openai --model m --api-key-env K --label L')).toEqual({
      kind: 'models-add',
      alias: 'a',
      entry: { provider: 'openai', model: 'm', apiKeyEnv: 'K', label: 'L' },
    });
    expect(refusal('models add a --model m').message).toBe('"models add" needs an alias, --provider and --model.');
    expect(parse('export r1 --dir out')).toEqual({ kind: 'export', runId: 'r1', dir: 'out' });
    expect(parse('score')).toEqual({ kind: 'score', target: undefined, json: false, output: undefined });
    expect(parse('digest')).toEqual({ kind: 'digest', schedule: undefined, json: false });
    expect(parse('bot')).toEqual({ kind: 'bot' });
    expect(parse('ratings --by MODEL')).toMatchObject({ byModel: true, batch: false });
    expect(parse('eval mr x --queue --no-cache --json')).toMatchObject({ queue: true, noCache: true, json: true });
  });
});

describe('help text', () => {
  it('writes usage lines with optional positionals bracketed', () => {
    expect(usageLine('status')).toBe('status [<run>] [--all] [--json]');
    expect(usageLine('score')).toBe(
      'score [<file or generated/ tree>] [--labels paper|reviewed] [-o|--output PATH] [--format md|json|csv] [--json]',
    );
    expect(usageLine('models')).toBe('models [<alias>] [--json]');
    expect(usageLine('help', 'slack')).toBe('help [[<command>]]'.replace('[[', '[').replace(']]', ']'));
    expect(usageHint('leaderboard', 'slack')).toBe(
      'Usage: /jcb leaderboard [--shot one|zero] [--labels paper|reviewed] [--source paper|runs] [--post #channel] [--view bars|heatmap]',
    );
  });

  it('describes each option once and wraps at the width with a hanging indent', () => {
    const text = commandHelp('eval', 'terminal', 60);
    expect(text).toContain('-o, --output PATH');
    expect(text).toContain('    --limit N');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    const lines = text.split('\n');
    const usage = lines.indexOf('');
    expect(lines[0].startsWith('Usage: jcb eval')).toBe(true);
    expect(lines.slice(1, usage).every((l) => l.startsWith('    ') && !l.startsWith('     '))).toBe(true);
    expect(text).toContain('Examples:\n  jcb eval mr llm-jp --limit 5\n  jcb eval all baseline --shot zero');
    expect(commandHelp('run', 'slack')).not.toContain('--json');
  });

  it('lists every command of a face with its summary, and how to see one in full', () => {
    const doctor = COMMANDS.find((c) => c.name === 'doctor')!.summary;
    expect(helpEntries('terminal').find((e) => e.name === 'doctor')).toEqual({
      name: 'doctor',
      usage: 'jcb doctor [--json]',
      summary: doctor,
    });
    const text = overview('terminal', 70);
    expect(text.split('\n')[0]).toBe('jcb — J-ClinicalBench harness');
    expect(text).toContain('  jcb run <task>');
    expect(text.replace(/\s+/g, ' ')).toMatch(
      new RegExp(` jcb doctor( \\[--json\\])? ${doctor.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `),
    );
    expect(
      text.endsWith('\n\njcb <command> --help describes every option of a command; jcb\n--version prints the version.'),
    ).toBe(true);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(70);
    expect(overview('slack')).not.toContain('jcb worker');
  });

  it('gives every option a description and every command a summary and an example', () => {
    for (const c of COMMANDS) {
      expect(c.summary).toMatch(/\S/);
      expect(c.examples.length).toBeGreaterThan(0);
      for (const o of c.options) expect(o.description).toMatch(/^[A-Z].*[.)]$/);
    }
  });
});

describe('tokens, suggestions and echoes', () => {
  it('reads dashes typed by editors and keyboards as "-"', () => {
    expect(normalizeToken('—json')).toBe('--json');
    expect(normalizeToken('–json')).toBe('--json');
    expect(normalizeToken('—')).toBe('-');
    expect(normalizeToken('a‐b‑c‒d–e—f―g−hーi')).toBe('a-b-c-d-e-f-g-h-i');
    expect(normalizeToken('ｌｌｍｰｊｐ')).toBe('llm-jp');
  });

  it('suggests only near slips, nearest and closest in length first', () => {
    expect(suggest('ev', ['eval'])).toBeUndefined();
    expect(suggest('rn', ['run'])).toBe('run');
    expect(suggest('', ['run'])).toBeUndefined();
    expect(suggest('evaluat', ['eval', 'evaluate'])).toBe('evaluate');
    expect(suggest('leadrbord', ['leaderboard'])).toBe('leaderboard');
    expect(suggest('leadbrd', ['leaderboard'])).toBeUndefined();
    expect(suggest('abcdefghi', ['abcdefxyz'])).toBe('abcdefxyz');
    expect(suggest('abcdefghi', ['abcdewxyz'])).toBeUndefined();
    expect(suggest('ＥＶＬ', ['eval'])).toBe('eval');
  });

  it('cuts echoes at exactly ECHO_LIMIT code points', () => {
    expect(cutEcho('a'.repeat(ECHO_LIMIT))).toBe('a'.repeat(ECHO_LIMIT));
    expect(cutEcho('𠮷'.repeat(ECHO_LIMIT))).toBe('𠮷'.repeat(ECHO_LIMIT));
    expect(cutEcho('a'.repeat(ECHO_LIMIT + 1))).toBe(`${'a'.repeat(ECHO_LIMIT - 1)}…`);
  });
});

describe('free text to the bot: errors', () => {
  it('needs a task and a text, within the limit', () => {
    expect(() => parseConversation('<@U1>   ')).toThrow(/^I need a task and a text\.$/);
    expect(() => parseConversation('cts')).toThrow(/^I need a task and a text\.$/);
    expect(() => parseConversation('simplify:  ')).toThrow(/^No text after "simplify"\.$/);
    expect(parseConversation(`cts ${'あ'.repeat(MAX_FREE_TEXT)}`).text).toHaveLength(MAX_FREE_TEXT);
    expect(() => parseConversation(`cts ${'𠮷'.repeat(MAX_FREE_TEXT + 1)}`)).toThrow(
      `The text is ${(MAX_FREE_TEXT + 1).toLocaleString('en-US')} characters long; the limit is ${MAX_FREE_TEXT.toLocaleString('en-US')}.`,
    );
  });

  it('reads keywords with either colon, and refuses a --model without an alias (issue 27)', () => {
    expect(parseConversation('TNM：T1 N0')).toEqual({ task: 'dc-tnm', model: undefined, text: 'T1 N0' });
    for (const bare of [
      'ner-d 肺炎 --model',
      'ner-d 肺炎 --model=',
      'ner-d 肺炎 --model --shot one',
      'ner-d 肺炎 --model＝',
    ])
      expect(() => parseConversation(bare), bare).toThrow(/^`--model` needs a model alias\.$/);
    expect(parseConversation('cts a --model x b')).toEqual({ task: 'cts', model: 'x', text: 'a b' });
  });

  it('reads --model=<alias> as the grammar reads --opt=value, in any width (issue 27)', () => {
    expect(parseConversation('cts 発熱あり --model=onprem-chat')).toEqual({
      task: 'cts',
      model: 'onprem-chat',
      text: '発熱あり',
    });
    expect(parseConversation('cts ーーｍｏｄｅｌ＝ward 発熱')).toEqual({ task: 'cts', model: 'ward', text: '発熱' });
    expect(parseConversation('--model=ward simplify: 既往歴なし')).toEqual({
      task: 'cts',
      model: 'ward',
      text: '既往歴なし',
    });
  });
});
