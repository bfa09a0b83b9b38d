// `-` for an option that writes a file is standard output, as Unix tools read it, generated from the command
// table's file options (`path: 'file'`): text formats go there whole (the Markdown table of `-o`, the JSONL of
// `--log-samples`) with the command's own text on stderr; a PNG (`--chart -`) goes to a pipe but is refused on a
// terminal, in one line; `-` beside `--json`, which also writes standard output, is refused.
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, offeredOn } from '../src/command/commands.js';
import { claimStandardOutput, STANDARD_OUTPUT_KIND } from '../src/cli/output.js';
import { UserError } from '../src/base/errors.js';
import { spawn } from 'node:child_process';
import { FIXTURE_ENV, JCB_BIN } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-stdout-'));

/** Every file option of the table offered in a terminal: [command, option as typed]. */
const FILE_OPTIONS = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).flatMap((c) =>
  c.options
    .filter((o) => o.path === 'file' && offeredOn(o.faces, 'terminal'))
    .map((o) => [c.name, o.short ? `-${o.short}` : `--${o.name}`] as const),
);

/** A short run of each command here, with the release's fixture and a store of the test's own. */
const RUNS: Record<string, string[]> = {
  eval: ['eval', 'irs', 'baseline', '--limit', '2'],
  leaderboard: ['leaderboard'],
  compare: ['compare', 'gpt-4o', 'llm-jp', 'mr'],
  score: ['score'],
};

/** What standard output holds for each kind of `-`, checked whole. */
const HOLDS: Record<string, (out: Buffer) => void> = {
  '-o': (out) => {
    // The Markdown table alone: its caption, then table rows (the command's own text went to stderr).
    const [caption, blank, ...rows] = out.toString().trimEnd().split('\n');
    expect(caption).toMatch(/^\*.*written \d{4}-\d\d-\d\d\. – no score\.\*$/);
    expect(blank).toBe('');
    for (const row of rows) expect(row).toMatch(/^\| .* \|$/);
  },
  '--log-samples': (out) => {
    const lines = out.toString().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('doc_id');
  },
  '--chart': (out) => expect([...out.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]), // PNG signature
};

describe('- as standard output', () => {
  it('every file option of the table says what - gives (text or bytes), and each command here has a run', () => {
    expect(FILE_OPTIONS.length).toBeGreaterThan(0);
    for (const [command, option] of FILE_OPTIONS) {
      expect(Object.keys(STANDARD_OUTPUT_KIND), option).toContain(option);
      expect(Object.keys(HOLDS), option).toContain(option);
      expect(Object.keys(RUNS), command).toContain(command);
    }
  });

  it.each(FILE_OPTIONS)('`jcb %s %s -`: the file on standard output, no file called -', async (command, option) => {
    const cwd = mkdtempSync(path.join(scratch, 'run-'));
    const env = { ...FIXTURE_ENV, JCB_STORE: path.join(scratch, `${command}.sqlite`) };
    const r = await runJcbIn(cwd, [...RUNS[command], option, '-'], env);
    expect(r.code, r.err).toBe(0);
    HOLDS[option](r.out);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each(FILE_OPTIONS.filter(([, o]) => STANDARD_OUTPUT_KIND[o] === 'binary'))(
    '`jcb %s %s -` on a terminal: refused in one line',
    (_command, option) => {
      const refuse = () => claimStandardOutput([{ option, value: '-', use: 'file' }], false, true);
      expect(refuse).toThrow(UserError);
      expect(refuse).toThrow(new RegExp(`^${option} -: a PNG is not shown on a terminal\\.$`));
    },
  );

  it.each(FILE_OPTIONS.filter(([c]) => COMMANDS.find((x) => x.name === c)!.options.some((o) => o.name === 'json')))(
    '`jcb %s %s - --json`: refused, both would write standard output',
    async (command, option) => {
      const r = await runJcbIn(scratch, [...RUNS[command], option, '-', '--json'], { ...FIXTURE_ENV });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^jcb: ${option} - and --json both write standard output\\.`));
      expect(r.out.length).toBe(0);
    },
  );
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
