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
    expect(parse('leaderboard --shot zero')).toEqual({ kind: 'leaderboard', shot: 'zero', json: false });
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
    ['leaderboard --post #general', /Unknown option --post/],
    ['data push', /Unknown data command "push"/],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parse(text)).toThrow(UserError);
    expect(() => parse(text)).toThrow(message);
  });
});
