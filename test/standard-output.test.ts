// `-` for an option that writes a file is standard output, as Unix tools read it, generated from the command
// table's file options (`path: 'file'`) and their formats: `-` gets each format the option writes (its first
// unless --format names another; JSON with --json where the option writes JSON), the command's own text (its
// --json too) on stderr; a PNG goes to a pipe but is refused on a terminal; --format with no `-`, or naming a
// format the option does not write, is refused; and every hint of a refused file path says `-` is there too.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, offeredOn } from '../src/command/commands.js';
import { parseCommand } from '../src/command/grammar.js';
import { pathArguments } from '../src/command/paths.js';
import { preparePaths } from '../src/base/paths.js';
import { BINARY_FORMATS, claimStandardOutput } from '../src/cli/output.js';
import { UserError } from '../src/base/errors.js';
import { spawn } from 'node:child_process';
import { FIXTURE_ENV, JCB_BIN } from './helpers.js';
import { refusal } from './grammar-helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-stdout-'));

/** Every file option of the table offered in a terminal: command, option as typed, its formats. */
const FILE_OPTIONS = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).flatMap((c) =>
  c.options
    .filter((o) => o.path === 'file' && offeredOn(o.faces, 'terminal'))
    .map((o) => ({ command: c.name, option: o.short ? `-${o.short}` : `--${o.name}`, formats: o.formats! })),
);

/** Each file option with each format `-` can get: the first without --format (the default), the others named. */
const WRITES = FILE_OPTIONS.flatMap(({ command, option, formats }) =>
  formats.map((format, i) => [command, option, format, i > 0 ? format : undefined] as const),
);

/** A short run of each command here, with the release's fixture and a store of the test's own. */
const RUNS: Record<string, string[]> = {
  eval: ['eval', 'irs', 'baseline', '--limit', '2'],
  leaderboard: ['leaderboard'],
  compare: ['compare', 'gpt-4o', 'llm-jp', 'mr'],
  score: ['score'],
};

/** What standard output holds for each format, checked whole. */
const HOLDS: Record<string, (out: Buffer) => void> = {
  md: (out) => {
    // The Markdown table alone: its caption, then table rows (the command's own text went to stderr).
    const [caption, blank, ...rows] = out.toString().trimEnd().split('\n');
    expect(caption).toMatch(/^\*.*written \d{4}-\d\d-\d\d\. – no score\.\*$/);
    expect(blank).toBe('');
    for (const row of rows) expect(row).toMatch(/^\| .* \|$/);
  },
  json: (out) => expect(typeof JSON.parse(out.toString())).toBe('object'),
  csv: (out) => {
    const [header, ...rows] = out
      .toString()
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\n');
    expect(out.toString().startsWith('\uFEFF')).toBe(true); // as a file: Excel reads it as UTF-8
    expect(header.split(',').length).toBeGreaterThan(1);
    expect(rows.length).toBeGreaterThan(0);
  },
  jsonl: (out) => {
    const lines = out.toString().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('doc_id');
  },
  png: (out) => expect([...out.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]), // PNG signature
  svg: (out) => expect(out.toString()).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\s*$/),
};

const hasJson = (command: string) => COMMANDS.find((c) => c.name === command)!.options.some((o) => o.name === 'json');

describe('- as standard output, in each format', () => {
  it('every file option of the table has its formats checked here, and each command here has a run', () => {
    expect(FILE_OPTIONS.length).toBeGreaterThan(0);
    for (const [command, , format] of WRITES) {
      expect(Object.keys(HOLDS), format).toContain(format);
      expect(Object.keys(RUNS), command).toContain(command);
    }
  });

  it.each(WRITES)('`jcb %s %s -` gives %s (--format %s): the file on standard output', async (...w) => {
    const [command, option, format, named] = w;
    const cwd = mkdtempSync(path.join(scratch, 'run-'));
    const env = { ...FIXTURE_ENV, JCB_STORE: path.join(scratch, `${command}.sqlite`) };
    const r = await runJcbIn(cwd, [...RUNS[command], option, '-', ...(named ? ['--format', named] : [])], env);
    expect(r.code, r.err).toBe(0);
    HOLDS[format](r.out);
    expect(readdirSync(cwd)).toEqual([]);
  });

  // --json is what the command prints: beside `-` it goes to stderr, and `-o -` gets JSON (what the command prints).
  it.each(FILE_OPTIONS.filter((f) => hasJson(f.command)))(
    '`jcb $command $option - --json`: the file on standard output (JSON where it writes JSON), the JSON printed on stderr',
    async ({ command, option, formats }) => {
      const env = { ...FIXTURE_ENV, JCB_STORE: path.join(scratch, `${command}-json.sqlite`) };
      const r = await runJcbIn(scratch, [...RUNS[command], option, '-', '--json'], env);
      expect(r.code, r.err).toBe(0);
      HOLDS[formats.includes('json') ? 'json' : formats[0]](r.out);
      expect(r.err).toMatch(/^[[{]/m);
    },
  );

  it.each(WRITES.filter(([, , f]) => BINARY_FORMATS.includes(f)))(
    '`jcb %s %s -` as %s on a terminal: refused in one line',
    (_command, option, format) => {
      const refuse = () => claimStandardOutput([{ option, value: '-', use: 'file' }], format, true);
      expect(refuse).toThrow(UserError);
      expect(refuse).toThrow(new RegExp(`^${option} -: a ${format.toUpperCase()} is not shown on a terminal\\.$`));
    },
  );
});

describe('--format', () => {
  const withFormat = COMMANDS.filter((c) => c.options.some((o) => o.name === 'format'));

  it('every command with a file option of formats offers --format, with those formats', () => {
    for (const c of COMMANDS) {
      const formats = c.options.flatMap((o) => o.formats ?? []);
      expect(c.options.find((o) => o.name === 'format')?.choices ?? [], c.name).toEqual([...new Set(formats)]);
    }
  });

  it.each(withFormat.map((c) => [c.name, c] as const))('%s: --format with no - is refused', (_, c) => {
    const file = c.options.find((o) => o.formats)!;
    const typed = file.short ? `-${file.short}` : `--${file.name}`;
    const head = RUNS[c.name].join(' ');
    for (const line of [`${head} --format ${file.formats![0]}`, `${head} ${typed} x.${file.formats![0]} --format json`])
      expect(refusal(line, 'terminal').message).toMatch(/^--format chooses what .* - writes \(standard output\); /);
  });

  it.each(FILE_OPTIONS)(
    '$command $option -: a --format it does not write is refused',
    ({ command, option, formats }) => {
      const others = COMMANDS.find((c) => c.name === command)!
        .options.find((o) => o.name === 'format')!
        .choices!.filter((f) => !formats!.includes(f));
      for (const f of others)
        expect(refusal(`${RUNS[command].join(' ')} ${option} - --format ${f}`, 'terminal').message).toBe(
          `${option} - writes ${formats!.join(' or ').replace(/ or (?=.* or )/g, ', ')}, not ${f}: give --format ${formats!.join('|')}.`,
        );
    },
  );
});

describe('every refusal of a file option’s path says - is there too', () => {
  const aFile = path.join(scratch, 'a-file');
  writeFileSync(aFile, '');
  /** Paths each refused for its own reason: empty, a folder, under a file, /proc; by its formats, no or another extension. */
  const bad = (formats: readonly string[]) => {
    const ext = formats[0];
    return ['', scratch, path.join(aFile, `x.${ext}`), `/proc/x.${ext}`, path.join(scratch, 'x'), 'x.gif'];
  };

  it.each(FILE_OPTIONS)('$command $option', ({ command, option, formats }) => {
    for (const value of bad(formats)) {
      let said = '';
      try {
        const cmd = parseCommand([...RUNS[command], `${option}=${value}`], { face: 'terminal' });
        preparePaths(pathArguments(cmd)).undo();
      } catch (err) {
        expect(err, value).toBeInstanceOf(UserError);
        said = `${(err as UserError).message} ${(err as UserError).hint ?? ''}`;
      }
      expect(said, JSON.stringify(value)).toMatch(/- for standard output/);
    }
  });
});

/** runJcb in `cwd`, standard output as bytes. */
function runJcbIn(cwd: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; out: Buffer; err: string }>((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], { cwd, env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out), err }));
  });
}
