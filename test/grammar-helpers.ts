// The grammar tests' shared reading of a typed line: parsed, or the one-line refusal it gets.
import { expect } from 'vitest';
import { parseCommand, splitWords } from '../src/command/grammar.js';
import type { HelpFace } from '../src/command/help.js';
import { UserError } from '../src/base/errors.js';

export const parse = (text: string, face?: HelpFace) => parseCommand(splitWords(text), { face });

/** The UserError `text` raises, as message and hint; fails the test if `text` is accepted. */
export function refusal(text: string, face?: HelpFace): { message: string; hint?: string } {
  try {
    parse(text, face);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return { message: (err as UserError).message, hint: (err as UserError).hint };
  }
  throw new Error(`"${text}" was accepted`);
}
