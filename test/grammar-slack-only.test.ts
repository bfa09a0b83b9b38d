// A command offered only in Slack: the table allows one (`faces: 'slack'`) though none is declared today, so the
// grammar's Slack-only branches are held here with the real table plus one such command.
import { describe, expect, it, vi } from 'vitest';
import { isCommandWord } from '../src/command/grammar.js';
import { commandsOn, overview } from '../src/command/help.js';

vi.mock('../src/command/commands.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/command/commands.js')>();
  const rate = {
    name: 'rate',
    summary: 'Rate the next output.',
    positionals: [],
    options: [],
    examples: ['rate'],
    faces: 'slack' as const,
  };
  const COMMANDS = [...real.COMMANDS, rate];
  return { ...real, COMMANDS, COMMANDS_BY_NAME: new Map(COMMANDS.map((c) => [c.name, c])) };
});

import { parse, refusal } from './grammar-helpers.js';

describe('a Slack-only command', () => {
  it('is refused in a terminal, saying how to type it in Slack', () => {
    expect(refusal('rate', 'terminal')).toEqual({ message: '"rate" runs in Slack: `/jcb rate …`.', hint: undefined });
    expect(refusal('help rate', 'terminal').message).toBe('"rate" runs in Slack: `/jcb rate …`.');
    expect(parse('help rate', 'slack')).toEqual({ kind: 'help', command: 'rate' });
  });

  it('is listed and suggested only in Slack', () => {
    expect(commandsOn('slack').map((c) => c.name)).toContain('rate');
    expect(commandsOn('terminal').map((c) => c.name)).not.toContain('rate');
    expect(overview('slack')).toMatch(/\/jcb rate\b/);
    expect(overview('terminal')).not.toMatch(/jcb rate\b/);
    expect(isCommandWord('RATE')).toBe(true);
    expect(refusal('rat', 'terminal').message).toBe('Unknown command "rat".');
    expect(refusal('rat', 'terminal').hint).not.toContain('rate');
    expect(refusal('rat', 'slack').message).toBe('Unknown command "rat". Did you mean "rate"?');
    expect(refusal('rat', 'slack').hint).toMatch(/, help, rate\. `\/jcb help` describes them\.$/);
    expect(refusal('help rat', 'terminal').message).toBe('Unknown command "rat".');
    expect(refusal('help rat', 'slack').message).toBe('Unknown command "rat". Did you mean "rate"?');
  });
});
