// Every path a command option names, from the command table: each kind of bad path is refused in one line
// naming the option, exit 1, before any work; a missing folder is created. A new path option is covered with
// no change here (and an option that looks like a path but is not marked fails the first test).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/base/errors.js';
import { preparePaths, shownPath, type PathUse } from '../src/base/paths.js';
import { COMMANDS, type CommandSpec, type OptionSpec } from '../src/command/commands.js';
import { parseCommand } from '../src/command/grammar.js';
import { pathArguments } from '../src/command/paths.js';
import { FIXTURE_ENV, JCB_BIN } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';

const ROOT = mkdtempSync(path.join(os.tmpdir(), 'jcb-paths-'));
const A_FILE = path.join(ROOT, 'a-file');
writeFileSync(A_FILE, 'x');
/** A folder named as the file a slot writes (`out.json`, `chart.svg`): given where a file is meant. */
function aFolderNamed(leafName: string): string {
  const dir = path.join(ROOT, 'folders', leafName);
  mkdirSync(dir, { recursive: true });
  return dir;
}
const READ_ONLY = path.join(ROOT, 'read-only');
mkdirSync(READ_ONLY);
chmodSync(READ_ONLY, 0o555);
chmodSync(ROOT, 0o755);
/** A store folder anyone may write in: a command run as another user gets past the store's own check (issue 23). */
const OPEN = path.join(ROOT, 'open');
mkdirSync(OPEN);
chmodSync(OPEN, 0o777);
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));
/** A link named `name` (in a folder of links to `target`): a write through it lands where it points. */
function linkNamed(name: string, target: string): string {
  const dir = path.join(ROOT, 'links', Buffer.from(target).toString('hex'));
  mkdirSync(dir, { recursive: true });
  const link = path.join(dir, name);
  if (!existsSync(link)) symlinkSync(target, link);
  return link;
}
/** A link to nothing, and two links that point at each other. */
const DANGLING = linkNamed('dangling', path.join(ROOT, 'nowhere', 'at-all'));
const LOOP = path.join(ROOT, 'loop-a');
symlinkSync(path.join(ROOT, 'loop-b'), LOOP);
symlinkSync(LOOP, path.join(ROOT, 'loop-b'));

/** A path option or positional of a command, with what it is used for. */
interface PathSlot {
  command: CommandSpec;
  option?: OptionSpec;
  use: PathUse;
}

const SLOTS: PathSlot[] = COMMANDS.flatMap((command) => [
  ...command.options.filter((o) => o.path).map((option) => ({ command, option, use: option.path! })),
  ...command.positionals.filter((p) => p.path).map((p) => ({ command, use: p.path!.use })),
]);

/** A file name the option accepts (its extension), or a folder name. */
function leaf(slot: PathSlot): string {
  if (slot.use === 'folder') return 'out';
  if (slot.option?.name === 'chart') return 'chart.svg';
  if (slot.option?.name === 'log-samples') return 'samples.jsonl';
  return 'out.json';
}

/** The words of `jcb <command> … <path>`: required positionals filled with words the grammar accepts. */
function argv(slot: PathSlot, value: string): string[] {
  // Two models are two different ones (`compare` refuses one model twice).
  const fill = { task: ['mr'], model: ['baseline', 'gpt-4o'], text: ['r-1'] } as const;
  const positionals = slot.command.positionals
    .filter((p) => !p.optional && !(p.path && !slot.option))
    .map((p, i, all) => {
      const words = fill[p.kind ?? 'text'];
      return words[all.slice(0, i).filter((q) => q.kind === p.kind).length % words.length];
    });
  const words = [...slot.command.name.split(' '), ...positionals];
  return slot.option ? [...words, `--${slot.option.name}`, value] : [...words, value];
}

/** The kinds of bad path, each built for a slot; `undefined` where a kind does not apply to that use. */
const BAD: Record<string, (slot: PathSlot) => string | undefined> = {
  'under /proc': (s) => `/proc/jcb-test/${leaf(s)}`,
  'under /sys': (s) => `/sys/jcb-test/${leaf(s)}`,
  'under a file': (s) => path.join(A_FILE, 'sub', leaf(s)),
  'a folder for a file, a file for a folder': (s) =>
    s.use === 'file' || s.use === 'read-file'
      ? aFolderNamed(leaf(s))
      : s.use === 'folder'
        ? A_FILE
        : path.join(ROOT, 'missing'),
  'an empty path': () => '',
  'a name too long for the system': (s) => path.join(ROOT, `${'n'.repeat(300)}-${leaf(s)}`),
  // Reading through a link is the reader's business; writing through one into /proc is refused.
  'a link into /proc': (s) =>
    s.use === 'file'
      ? linkNamed(leaf(s), '/proc/self/status')
      : s.use === 'folder'
        ? linkNamed('out', '/proc/self')
        : undefined,
  'a link to nothing': (s) => (s.use === 'file' ? path.join(DANGLING, leaf(s)) : DANGLING),
  'a loop of links': (s) => path.join(LOOP, leaf(s)),
};

/** How an error may name the slot: its long or short option, or the command for a positional. */
const names = (s: PathSlot) =>
  s.option ? [`--${s.option.name}`, ...(s.option.short ? [`-${s.option.short}`] : [])] : [s.command.name];

const label = (s: PathSlot) => `${s.command.name} ${s.option ? `--${s.option.name}` : 'positional'}`;

describe('path options, from the command table', () => {
  it('marks every option whose value is a path, and the grammar hands each to the check', () => {
    const looksLikePath = (o: OptionSpec) => /PATH|FILE|DIR|^D$/.test(o.value ?? '');
    for (const c of COMMANDS)
      for (const o of c.options) expect(Boolean(o.path), `${c.name} --${o.name}`).toBe(looksLikePath(o));
    expect(SLOTS.length).toBeGreaterThanOrEqual(8);
    for (const slot of SLOTS) {
      const value = path.join(ROOT, 'given', leaf(slot));
      const args = pathArguments(parseCommand(argv(slot, value), { face: 'terminal' }));
      expect(args, label(slot)).toContainEqual(expect.objectContaining({ value, use: slot.use }));
    }
  });

  it('refuses -o naming the file score reads (it would be overwritten)', () => {
    const file = path.join(ROOT, 'input.json');
    expect(() => preparePaths(pathArguments(parseCommand(['score', file, '-o', file], { face: 'terminal' })))).toThrow(
      `-o and the path score reads name the same place, ${file}.`,
    );
  });

  describe.each(SLOTS.map((s) => [label(s), s] as const))('%s', (_, slot) => {
    it.each(Object.keys(BAD))('refuses a path %s in one line naming the option', (kind) => {
      const value = BAD[kind](slot);
      if (value === undefined) return;
      let error: unknown;
      try {
        // An empty value is the grammar's to refuse (`--dir needs a value`); every other kind the check's.
        preparePaths(pathArguments(parseCommand(argv(slot, value), { face: 'terminal' })));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(UserError);
      const message = (error as UserError).message;
      // The grammar names a positional argument in quotes: `"score" got an empty <file …>`.
      const named = (n: string) =>
        message.startsWith(`${n} ${value ? `${shownPath(value)}:` : ''}`) ||
        (!value && message.startsWith(`"${n}" got an empty`));
      expect(names(slot).some(named), message).toBe(true);
      expect(message).not.toMatch(/\n|ENOENT|EACCES|EPERM|at /);
      expect(existsSync('/proc/jcb-test')).toBe(false);
    });

    // Two slots of a command landing on one place: test/path-shapes.test.ts.

    it.skipIf(slot.use.startsWith('read'))('creates a missing folder, and undoes it when asked', () => {
      const top = path.join(ROOT, `new-${slot.command.name.replace(' ', '-')}-${slot.option?.name}`);
      const value = path.join(top, 'deeper', leaf(slot));
      const prepared = preparePaths(pathArguments(parseCommand(argv(slot, value), { face: 'terminal' })));
      const folder = slot.use === 'folder' ? value : path.dirname(value);
      expect(statSync(folder).isDirectory()).toBe(true);
      expect(existsSync(path.join(folder, `.jcb-probe-${process.pid}`))).toBe(false);
      prepared.undo();
      expect(existsSync(top)).toBe(false);
    });
  });
});

/** The program's process for the lines run as this user (test/jcb-batch.ts): one for the file. */
const batch = jcbBatch({ env: { ...FIXTURE_ENV, JCB_STORE: path.join(ROOT, 'store.sqlite'), HOME: ROOT } });
afterAll(() => batch.close());

/**
 * `jcb …` through the file's process of the built program; as `uid` (another user), bin/jcb.js in a child
 * process of its own, with a generous guard against a hang.
 */
function jcb(args: string[], uid?: number, env: Record<string, string> = {}) {
  if (uid === undefined) return batch.run(args, env);
  return new Promise<{ code: number | null; err: string; out: string }>((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], {
      env: {
        ...process.env,
        ...FIXTURE_ENV,
        JCB_STORE: path.join(OPEN, 'store.sqlite'),
        HOME: OPEN,
        ...env,
      },
      uid,
      gid: uid,
    });
    let err = '';
    let out = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => (out += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, err, out });
    });
  });
}

describe('the jcb program refuses a bad path before any work', () => {
  // One bad kind per slot, turning through the kinds, so that every option and every kind meet the real program.
  const kinds = Object.keys(BAD);
  const applies = (i: number, slot: PathSlot) =>
    kinds.map((_, k) => kinds[(i + k) % kinds.length]).find((kind) => BAD[kind](slot) !== undefined)!;
  const cases = SLOTS.map((slot, i) => [label(slot), applies(i, slot), slot] as const);
  it.each(cases)('%s, a path %s: one line, exit 1', async (_, kind, slot) => {
    const value = BAD[kind](slot)!;
    const r = await jcb(argv(slot, value));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^jcb: \S+ /);
    expect(r.err).toContain(`${shownPath(value)}:`);
    expect(r.err).not.toMatch(/unexpected error|ENOENT|store/i);
    expect(r.out).toBe('');
  });

  const asNobody = process.getuid?.() === 0 ? 65534 : undefined;
  it('refuses a folder without write permission, naming it', async () => {
    const slot = SLOTS.find((s) => s.use === 'folder')!;
    const value = path.join(READ_ONLY, 'out');
    const r = await jcb(argv(slot, value), asNobody);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      `jcb: --dir ${value}: cannot create the folder ${value}: no permission to write in ${READ_ONLY}. Choose a path in a folder you can write.`,
    );
    const file = SLOTS.find((s) => s.option?.name === 'output')!;
    const r2 = await jcb(argv(file, path.join(READ_ONLY, 'x.csv')), asNobody);
    expect(r2.err.trim()).toMatch(/^jcb: -o \S+x\.csv: no permission to write in \S+read-only\./);
  });

  // A path met during the work, not given: named with what is wrong, never blamed on the store (EACCES read as
  // "The store … is unavailable: permission denied"), never an unexpected error.
  it.each([
    [
      'a folder of the score tree that cannot be listed',
      'CCA',
      /^jcb: \S+\/CLR\/CCA cannot be listed: no permission\.$/,
    ],
    [
      'a generation file that cannot be read',
      'one_shot.json',
      /^jcb: \S+\/one_shot\.json cannot be opened: no permission\.$/,
    ],
    [
      'a folder named as a generation file',
      'zero_shot.json',
      /^jcb: \S+\/zero_shot\.json cannot be read: it is a folder/,
    ],
  ])('score of a tree with %s: one line naming it, exit 1', async (_, which, message) => {
    const tree = mkdtempSync(path.join(ROOT, 'tree-'));
    chmodSync(tree, 0o755);
    const model = path.join(tree, 'CLR', 'MR', 'gpt-4o');
    mkdirSync(model, { recursive: true });
    mkdirSync(path.join(tree, 'CLR', 'CCA'));
    if (which === 'zero_shot.json') mkdirSync(path.join(model, which));
    else {
      writeFileSync(path.join(model, 'one_shot.json'), '[]');
      chmodSync(which === 'CCA' ? path.join(tree, 'CLR', 'CCA') : path.join(model, which), 0);
    }
    const r = await jcb(['score', tree], asNobody);
    expect(r.err.trim()).toMatch(message);
    expect(r.code).toBe(1);
  });

  it('a model registry that cannot be written is named, not the store', async () => {
    const registry = path.join(ROOT, 'models-read-only.yml');
    writeFileSync(registry, 'models: {}\n');
    chmodSync(registry, 0o444);
    const r = await jcb(['models', 'add', 'x1', '--provider', 'openai', '--model', 'm'], asNobody ?? undefined, {
      JCB_MODELS: registry,
    });
    expect(r.err.trim()).toBe(`jcb: ${registry} cannot be opened: no permission.`);
    expect(r.code).toBe(1);
  });

  it('creates a missing folder for -o, and writes the file there', async () => {
    const file = path.join(ROOT, 'made', 'by', 'jcb', 'board.csv');
    const r = await jcb(['leaderboard', '-o', file]);
    expect(r.code).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it('leaves no folder behind when the command then fails', async () => {
    const dir = path.join(ROOT, 'never', 'made');
    const r = await jcb(['export', 'no-such-run', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No run "no-such-run"/);
    expect(existsSync(path.join(ROOT, 'never'))).toBe(false);
  });
});
