import { describe, expect, it } from 'vitest';
import { parseCommand, splitWords } from '../src/command/grammar.js';
import { UserError } from '../src/errors.js';

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
    expect(parse('status')).toEqual({ kind: 'status', runId: undefined, json: false });
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
    ['eval mr x --limit 0', /--limit must be a whole number of at least 1, not "0"/],
    ['eval mr x --concurrency many', /--concurrency must be a whole number/],
    ['show', /needs a run id/],
    ['leaderboard --source mine', /--source must be "paper" or "runs"/],
    ['models remove x', /Too many arguments for "models": x/],
    ['models add x --provider openai', /needs an alias, --provider and --model/],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
