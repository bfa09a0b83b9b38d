// `--opt=v` and `--opt v` mean the same for every option of the command table and every value: a normal one, `-`
// (standard output for a file written; refused for a folder), an empty one, one starting with `-`, and an option's
// name (a value forgotten). Each pair gives the same Command (and the same path check) or the same one-line refusal.
// `--dir -` said "needs a value" while `--dir=-` made a folder called `-`.
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, offeredOn, type CommandSpec, type OptionSpec } from '../src/command/commands.js';
import { commandWords, parseCommand } from '../src/command/grammar.js';
import { pathArguments } from '../src/command/paths.js';
import { preparePaths } from '../src/base/paths.js';
import { UserError } from '../src/base/errors.js';
import type { HelpFace } from '../src/command/help.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-forms-'));

/** The command's required positionals, filled with words the grammar accepts. */
function head(c: CommandSpec): string[] {
  const fill = { task: ['mr'], model: ['baseline', 'llm-jp'], text: ['r-1'] } as const;
  const used = { task: 0, model: 0, text: 0 };
  const words = c.positionals.filter((p) => !p.optional).map((p) => fill[p.kind ?? 'text'][used[p.kind ?? 'text']++]);
  return [...c.name.split(' '), ...words];
}

/** A value the option accepts: a choice, a number in range, a path in the scratch folder, or a word. */
function normal(o: OptionSpec): string {
  if (o.choices) return o.choices[0];
  if (o.range) return String(Math.max(1, o.range[0]));
  if (o.path) return path.join(scratch, o.formats ? `v.${o.formats.at(-1)}` : 'v');
  return o.name === 'post' ? '#general' : 'x';
}

/** What a command line comes to: its Command and path check, or its refusal (message and hint). */
function outcome(words: string[], face: HelpFace): unknown {
  try {
    const cmd = parseCommand(commandWords(words), { face });
    preparePaths(pathArguments(cmd)).undo();
    return { cmd };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { refused: `${err.message} ${err.hint ?? ''}` };
  }
}

const cases = COMMANDS.flatMap((c) =>
  (['terminal', 'slack'] as const).flatMap((face) =>
    !offeredOn(c.faces, face)
      ? []
      : c.options
          .filter((o) => o.value && offeredOn(o.faces, face))
          .flatMap((o) =>
            [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])].map((typed) => [face, c, o, typed] as const),
          ),
  ),
);

describe('an option’s value given as --opt=v or --opt v', () => {
  it('covers every option that takes a value, on each face', () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases.map(([face, c, o, typed]) => [`${c.name} ${typed} (${face})`, face, c, o, typed] as const))(
    '%s: the same for a normal value, -, an empty one, one starting with -, and an option',
    (_, face, c, o, typed) => {
      const other = c.options.some((x) => x.name === 'json') ? '--json' : '--help';
      for (const value of [normal(o), '-', '', '-x', '--x', other]) {
        const joined = outcome([...head(c), `${typed}=${value}`], face);
        const spaced = outcome([...head(c), typed, value], face);
        expect(spaced, `${typed} ${JSON.stringify(value)}`).toEqual(joined);
      }
    },
  );

  it.each(
    cases
      .filter(([, , o]) => o.path && o.path !== 'file')
      .map(([face, c, , typed]) => [`${c.name} ${typed} (${face})`, face, c, typed] as const),
  )('%s -: refused in one line in both forms, no folder called - made', (_, face, c, typed) => {
    for (const words of [[typed, '-'], [`${typed}=-`]]) {
      expect(outcome([...head(c), ...words], face)).toEqual({
        refused: `${typed} -: - is standard output, not a place here. Give a folder name (./- for one called -).`,
      });
      expect(existsSync('-')).toBe(false);
    }
  });
});
