// Values that are not the file a file option needs, from the command table's path slots: a name only a folder has
// (`out/`, `.`, `..`, `x/.`, an existing folder) in every form of the option, `--` (the end of the options) as any
// option's value, a name without one of the option's extensions, and two slots of a command that land on one file
// (a hard link, a symbolic link, `./x` and `x`, a linked folder). Each is refused before any work, in one line
// naming the option (breaker-today K9, K10).
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { preparePaths } from '../src/base/paths.js';
import { placeOf } from '../src/base/places.js';
import { COMMANDS, type CommandSpec, type OptionSpec } from '../src/command/commands.js';
import { parseCommand } from '../src/command/grammar.js';
import { pathArguments } from '../src/command/paths.js';
import { FIXTURE_ENV } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';

const ROOT = mkdtempSync(path.join(os.tmpdir(), 'jcb-path-shapes-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));
const EXISTING = path.join(ROOT, 'existing');
mkdirSync(EXISTING);

/** A path slot of a command: an option (`o`) or a positional, and what it is used for. */
interface Slot {
  command: CommandSpec;
  option?: OptionSpec;
  use: string;
}
const SLOTS: Slot[] = COMMANDS.flatMap((command) => [
  ...command.options.filter((o) => o.path).map((option) => ({ command, option, use: option.path! })),
  ...command.positionals.filter((p) => p.path).map((p) => ({ command, use: p.path!.use })),
]);
const FILE_SLOTS = SLOTS.filter((s) => s.use === 'file');

/** The command's words before its options: required positionals that are not paths, filled with accepted words. */
function head(command: CommandSpec): string[] {
  const fill = { task: ['mr'], model: ['baseline', 'gpt-4o'], text: ['r-1'] } as const;
  const positionals = command.positionals
    .filter((p) => !p.optional && !p.path)
    .map((p, i, all) => {
      const words = fill[p.kind ?? 'text'];
      return words[all.slice(0, i).filter((q) => q.kind === p.kind).length % words.length];
    });
  return [...command.name.split(' '), ...positionals];
}

/** A file name the slot takes: its option's first format, or `.json` (what score reads). */
const leaf = (s: Slot, stem = 'out') => `${stem}.${s.option?.formats?.[0] ?? 'json'}`;

/** Every way to give option `o` the value `v`: long and short, with a space and with `=`. */
const forms = (o: OptionSpec, v: string): string[][] => [
  [`--${o.name}`, v],
  [`--${o.name}=${v}`],
  ...(o.short ? [[`-${o.short}`, v], [`-${o.short}=${v}`]] : []),
];

/** The error the check of a command line gives before any work (grammar, formats, then paths). */
function refusal(words: string[]): UserError {
  try {
    preparePaths(pathArguments(parseCommand(words, { face: 'terminal' })));
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error(`accepted: ${words.join(' ')}`);
}

const usage = (o: OptionSpec) => (o.short ? `-${o.short}` : `--${o.name}`);
const label = (s: Slot) => `${s.command.name} ${s.option ? usage(s.option) : 'positional'}`;

/** Names only a folder has, each as typed, relative or absolute; the missing ones must not be created. */
const FOLDER_SHAPES: Record<string, string> = {
  'a missing folder with a trailing slash': 'newdir/',
  'a missing folder with a trailing slash, absolute': path.join(ROOT, 'newdir2') + path.sep,
  'an existing folder': EXISTING,
  'an existing folder with a trailing slash': `${EXISTING}/`,
  '.': '.',
  '..': '..',
  'a path ending in /.': path.join(ROOT, 'newdir3') + '/.',
  'a path ending in /..': path.join(ROOT, 'newdir4') + '/..',
  '/': '/',
};

describe('a file option given a name only a folder has', () => {
  it.each(FILE_SLOTS.flatMap((s) => Object.entries(FOLDER_SHAPES).map(([k, v]) => [label(s), k, s, v] as const)))(
    '%s, %s: refused before any work in every form, naming the option and saying a file or -',
    (_, __, slot, value) => {
      for (const form of forms(slot.option!, value)) {
        const error = refusal([...head(slot.command), ...form]);
        const line = `${error.message} ${error.hint ?? ''}`;
        expect(line.startsWith(`${usage(slot.option!)} ${value}`), line).toBe(true);
        expect(line).toMatch(/folder/);
        expect(line).toMatch(/file.*- for standard output/);
        expect(line).not.toMatch(/\n/);
      }
      expect(readdirSync(ROOT).filter((n) => n.startsWith('newdir'))).toEqual([]);
      expect(existsSync('newdir')).toBe(false);
    },
  );
});

describe('-- is not a value', () => {
  const cases = COMMANDS.flatMap((c) =>
    c.options.filter((o) => o.value && o.faces !== 'slack').map((o) => [`${c.name} --${o.name}`, c, o] as const),
  );
  it.each(cases)('%s -- is "needs a value", in every form', (_, command, o) => {
    for (const form of forms(o, '--'))
      expect(refusal([...head(command), ...form]).message).toMatch(`--${o.name} needs a value`);
  });
});

describe('a file option names its formats', () => {
  it.each(FILE_SLOTS.map((s) => [label(s), s] as const))(
    '%s: the table and help say them; any other name is refused',
    (_, slot) => {
      const o = slot.option!;
      expect(o.formats?.length, 'every file option has formats').toBeGreaterThan(0);
      for (const name of [
        'out.txt',
        'out',
        'out.jsonl.bak',
        ...['md', 'json', 'csv', 'png', 'svg', 'jsonl'].filter((f) => !o.formats!.includes(f)).map((f) => `out.${f}`),
      ]) {
        const error = refusal([...head(slot.command), `--${o.name}`, path.join(ROOT, name)]);
        expect(error.message).toMatch(
          new RegExp(`^${usage(o)} \\S+: .*; give a file ending in .*, or - for standard output\\.$`),
        );
      }
      // The help's placeholder or description names each format.
      const said = `${o.value} ${o.description}`.toLowerCase();
      const words: Record<string, string> = {
        md: 'markdown',
        json: 'json',
        csv: 'csv',
        png: 'png',
        svg: 'svg',
        jsonl: '.jsonl',
      };
      for (const f of o.formats!) expect(said).toContain(words[f]);
    },
  );
});

/** Two slots of one command, one of them written. */
const PAIRS = COMMANDS.flatMap((c) => {
  const slots = SLOTS.filter((s) => s.command === c);
  return slots.flatMap((a, i) =>
    slots
      .slice(i + 1)
      .filter((b) => a.use === 'file' || b.use === 'file')
      .map((b) => [a, b] as const),
  );
});

/** The words of a command line with slots `a` and `b` given `va` and `vb`. */
function words(a: Slot, va: string, b: Slot, vb: string): string[] {
  const given = (s: Slot, v: string) => (s.option ? [`--${s.option.name}`, v] : [v]);
  return [...head(a.command), ...given(a, va), ...given(b, vb)];
}

describe('two path slots of a command landing on one file', () => {
  it.each(PAIRS.map(([a, b]) => [`${label(a)} and ${label(b)}`, a, b] as const))(
    '%s: refused as one place',
    (_, a, b) => {
      const dir = mkdtempSync(path.join(ROOT, 'same-'));
      const file = path.join(dir, leaf(a));
      writeFileSync(file, '[]');
      linkSync(file, path.join(dir, leaf(b, 'hard')));
      symlinkSync(file, path.join(dir, leaf(b, 'soft')));
      const other = { hard: path.join(dir, leaf(b, 'hard')), soft: path.join(dir, leaf(b, 'soft')) };
      for (const [how, value] of Object.entries(other))
        expect(refusal(words(a, file, b, value)).message, how).toMatch(/ name the same place, /);
      if (leaf(a) === leaf(b)) {
        // The same name as typed another way, and a new file through a linked folder.
        const relative = path.relative(process.cwd(), file);
        expect(refusal(words(a, file, b, `./${relative}`)).message).toMatch(/ name the same place, /);
      }
    },
  );

  it('a new file is one place by its real path: through a linked folder, or written another way', () => {
    const dir = mkdtempSync(path.join(ROOT, 'new-'));
    symlinkSync(dir, `${dir}-link`);
    const fresh = path.join(dir, 'new.json');
    expect(placeOf(`${dir}-link/new.json`)).toBe(placeOf(fresh));
    expect(placeOf(`${dir}/sub/../new.json`)).toBe(placeOf(fresh));
    expect(placeOf(`${dir}/other.json`)).not.toBe(placeOf(fresh));
    expect(existsSync(fresh)).toBe(false);
  });
});

describe('the jcb program', () => {
  const home = path.join(ROOT, 'home');
  const batch = jcbBatch({
    cwd: ROOT,
    env: { ...FIXTURE_ENV, JCB_STORE: path.join(home, 'store.sqlite'), HOME: home },
  });
  afterAll(() => batch.close());
  it('refuses eval --log-samples newdir/ before any run is stored (breaker K9)', async () => {
    const r = await batch.run(['eval', 'mr', 'baseline', '--limit', '2', '--log-samples', 'newdir/']);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(
      /^jcb: --log-samples newdir\/ names a folder: give a file in it ending in \.jsonl .*, or - for standard output\.$/,
    );
    const runs = await batch.run(['runs', '--json']);
    expect(JSON.parse(runs.out)).toEqual([]);
    expect(existsSync(path.join(ROOT, 'newdir'))).toBe(false);
  });
});
