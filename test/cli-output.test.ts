// What the terminal prints and writes: tables within 80 columns, real JSON, files by extension, and
// bad input refused in one line.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterAll, describe, expect, it } from 'vitest';
import { table } from '../src/base/table.js';
import { FIXTURE_ENV, JCB_BIN } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'jcb-out-'));
const STORE = path.join(tmp(), 'jcb.sqlite');

const batch = jcbBatch({ env: { ...FIXTURE_ENV, JCB_STORE: STORE, COLUMNS: '80' } });
afterAll(() => batch.close());

/** `jcb …` at 80 columns on the miniature release, through one process of the built program (test/jcb-batch.ts). */
const jcb = (args: string[], env: Record<string, string | undefined> = {}) => batch.run(args, env);

const widest = (text: string) => Math.max(...text.split('\n').map((l) => stringWidth(l)));

describe('tables', () => {
  it('count East Asian wide characters as two columns', () => {
    const t = table(
      ['名前', 'n'],
      [
        ['肺結節', '1'],
        ['ab', '22'],
      ],
      { width: 80 },
    );
    expect(t.split('\n').map((l) => stringWidth(l))).toEqual([9, 10, 9, 10]);
  });

  it('split a grid too wide for the screen into stacked tables that repeat the row names', () => {
    const header = ['model', ...Array.from({ length: 13 }, (_, i) => `setting${i}`)];
    const rows = [['GPT-4o', ...Array.from({ length: 13 }, () => '92.4')]];
    const t = table(header, rows, { width: 80 });
    expect(widest(t)).toBeLessThanOrEqual(80);
    expect(t.match(/^GPT-4o/gm)).toHaveLength(2);
    for (const h of header) expect(t).toContain(h);
  });

  it('leave out the least important columns of a list, rightmost first among equals, and name them', () => {
    const header = ['task', 'model', 'file', 'n', 'score'];
    const rows = [['mr', 'gpt-4o', 'CLR/MR/gpt-4o/one_shot.json'.padEnd(60, '_'), '30', '75.0']];
    // n goes first (rightmost of the least important); the file, wrapped in what is left, is still too wide.
    const t = table(header, rows, { width: 20, priority: [3, 3, 1, 1, 3] });
    expect(widest(t)).toBeLessThanOrEqual(20);
    expect(t.split('\n')[0].split(/\s+/)).toEqual(['task', 'model', 'score']);
    expect(t.split('\n').slice(3).join(' ')).toBe('(left out to fit 20 columns: file, n)');
    // At 40 columns dropping n is enough: the file is wrapped.
    const wider = table(header, rows, { width: 40, priority: [3, 3, 1, 1, 3] });
    expect(wider.split('\n')[0].split(/\s+/)).toEqual(['task', 'model', 'file', 'score']);
    expect(widest(wider)).toBeLessThanOrEqual(40);
    // Without priorities (a grid), the same table is stacked, every column kept.
    expect(table(header, rows, { width: 40 })).not.toContain('left out');
  });

  it('wrap a long text column', () => {
    const t = table(['alias', 'usable'], [['x', 'no: '.repeat(40)]], { width: 40 });
    expect(widest(t)).toBeLessThanOrEqual(40);
    expect(t.split('\n').length).toBeGreaterThan(3);
  });
});

/** The marks of a terminal output (`–` alone in a cell, `†`, `‡`) that it does not explain in a legend line. */
function unexplainedMarks(text: string): string[] {
  const used = ['†', '‡'].filter((m) => text.includes(m));
  if (/(^| )–( |$)/m.test(text)) used.push('–');
  return used.filter((m) => !new RegExp(`(^|· )${m} \\S`, 'm').test(text));
}

describe('the terminal at 80 columns', () => {
  it.each([['leaderboard'], ['leaderboard', '--shot', 'zero'], ['models'], ['tasks'], ['score']])(
    '%j fits, in one table a list, every mark explained',
    async (...args) => {
      const r = await jcb(args);
      expect(r.code).toBe(0);
      expect(widest(r.out)).toBeLessThanOrEqual(80);
      expect(unexplainedMarks(r.out)).toEqual([]);
      if (args[0] !== 'leaderboard') expect(r.out.match(/^-{3,}  -/gm)).toHaveLength(1);
    },
  );

  it('tasks fits before the packs are pulled (their task files left out, each problem wrapped)', async () => {
    const r = await jcb(['tasks'], { JCB_PACKS_DIR: tmp() });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Left out');
    expect(widest(r.out)).toBeLessThanOrEqual(80);
  });
});

describe('runs and files', () => {
  it('eval --log-samples writes a JSONL line per document; -o writes JSON, CSV or Markdown; runs --json and show', async () => {
    const dir = tmp();
    const samples = path.join(dir, 'samples.jsonl');
    const ran = await jcb(['eval', 'mr', 'gpt-4o', '--log-samples', samples, '-o', path.join(dir, 'eval.csv')]);
    expect(ran.code).toBe(0);
    const lines = readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      task: 'mr',
      doc_id: expect.any(String),
      prompt_hash: expect.any(String),
      parse_ok: true,
    });
    expect(Array.isArray(lines[0].parsed)).toBe(true);
    expect(lines[0].scores).toEqual(expect.any(Object));
    // CSV: a BOM, one header line, the context first, scores ×100 with one decimal (test/output-files.test.ts).
    expect(readFileSync(path.join(dir, 'eval.csv'), 'utf8')).toMatch(
      /^\uFEFFrun,model,shot,scale,task,scored,failed,unreadable,no answer,score,labels,documents,count,release\n\S+,gpt-4o,one-shot,×100,mr,2,0,0,0,75\.0,,paper,2,\w+\n$/,
    );

    const runs = JSON.parse((await jcb(['runs', '--json'])).out) as {
      run: { id: string; tasks: unknown; engine: unknown };
    }[];
    expect(runs[0].run.tasks).toEqual(['mr']);
    expect(typeof runs[0].run.engine).toBe('object');
    // The same run from eval --json and eval -o x.json has the same shape (they gave tasks and engine as strings).
    const json = path.join(dir, 'eval.json');
    const again = await jcb(['eval', 'mr', 'gpt-4o', '--run', runs[0].run.id, '--json', '-o', json]);
    for (const shown of [JSON.parse(again.out), JSON.parse(readFileSync(json, 'utf8'))] as { run: unknown }[])
      expect(shown.run).toMatchObject({ tasks: ['mr'], engine: expect.objectContaining({ provider: 'replay' }) });
    expect((await jcb(['show', runs[0].run.id])).out).toMatch(
      /95 % interval[\s\S]*mr\s+2\s+0\s+0\s+0\s+75\.0\s+\d+\.\d–\d+\.\d/,
    );

    expect((await jcb(['leaderboard', '-o', path.join(dir, 'table4.md')])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'table4.md'), 'utf8')).toMatch(
      /^\*shot: one-shot · source: paper · scale: ×100 · release: \w+ · labels: CCA paper · documents: the paper's · written \d{4}-\d\d-\d\d\. – no score\.\*\n\n\| model \| ExamQA \| CCA \| MR \|[\s\S]*\| GPT-4o \| – \| – \| 75\.0 \|/,
    );
    expect((await jcb(['score', '-o', path.join(dir, 'scores.json')])).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'scores.json'), 'utf8'))[0]).toMatchObject({ task: 'mr' });
    expect((await jcb(['compare', 'gpt-4o', 'gpt-5', 'mr', '-o', path.join(dir, 'c.csv')])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'c.csv'), 'utf8')).toMatch(
      /^\uFEFFshot,scale,release,task,documents,gpt-4o,gpt-5,difference,low,high,significant\n/,
    );
  });

  it('--chart x.svg writes SVG, --chart x.png writes PNG', async () => {
    const dir = tmp();
    expect((await jcb(['leaderboard', '--chart', path.join(dir, 'x.svg')])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'x.svg'), 'utf8').startsWith('<svg')).toBe(true);
    expect((await jcb(['leaderboard', '--chart', path.join(dir, 'x.png'), '--view', 'heatmap'])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'x.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('bad input: one line, exit 1', () => {
  const generated = (content: string) => {
    const dir = path.join(tmp(), 'generated', 'CLR', 'MR', 'gpt-4o');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'one_shot.json');
    writeFileSync(file, content);
    return file;
  };

  it.each([
    [
      'a row without the fields',
      () => ['score', generated('{"a":1}\n')],
      /^jcb: \S+one_shot\.json: row 1 lacks "doc_name", "gold", "generated"/,
    ],
    ['an empty file', () => ['score', generated('')], /^jcb: \S+one_shot\.json holds no rows\./],
    ['a file that is not JSON', () => ['score', generated('hello world\n')], /is not JSON: it reads "hello world"/],
    [
      'a binary file: named, its bytes never echoed',
      () => ['score', generated('\u0000\u0001PNG\u001b[2J\u0007')],
      /^jcb: \S+one_shot\.json is a binary file, not JSON\. Expected a JSON array/,
    ],
    [
      'a file outside the release layout',
      () => {
        const file = path.join(tmp(), 'x.json');
        writeFileSync(file, '{"a":1}\n');
        return ['score', file];
      },
      /^jcb: \S+x\.json is not a generation file: give one at <group>\/<TASK>\/<model>\/<shot>\.json of a generated\/ tree \(as the release's data\/generated\), or the tree\.$/m,
    ],
    [
      'a plain text file, not a generation file: what it is not and what would be right',
      () => {
        const file = path.join(tmp(), 'notes.txt');
        writeFileSync(file, 'the scores of last week\n');
        return ['score', file];
      },
      /^jcb: \S+notes\.txt is not a generation file: give one at <group>\/<TASK>\/<model>\/<shot>\.json of a generated\/ tree/,
    ],
    [
      'a folder with no generation file',
      () => ['score', tmp()],
      /^jcb: \S+ holds no generation files: give a generated\/ tree of <group>\/<TASK>\/<model>\/<shot>\.json files \(as the release's data\/generated\), or one such file\.$/m,
    ],
    [
      '-o naming a folder that exists: said to be a folder, with a file it could be',
      () => {
        const dir = tmp();
        return ['score', '-o', dir];
      },
      /^jcb: -o (\S+) names a folder: give a file in it ending in \.md, \.json or \.csv \(e\.g\. \1\/results\.csv\), or - for standard output\.$/m,
    ],
    [
      '--chart under /proc (every path option and kind: test/paths.test.ts)',
      () => ['leaderboard', '--chart', '/proc/jcb/x.png'],
      /^jcb: --chart \/proc\/jcb\/x\.png: cannot create the folder \/proc\/jcb: \/proc does not accept new files/,
    ],
    [
      '-o with an unknown extension',
      () => ['score', '-o', 'x.txt'],
      /^jcb: -o x\.txt: \.txt is not a format jcb writes; give a file ending in \.md, \.json or \.csv, or - for standard output\.$/m,
    ],
    [
      '-o without an extension',
      () => ['score', '-o', 'scores'],
      /^jcb: -o scores: no extension to say the format; give a file ending/,
    ],
    [
      '-o with a line break in its name: echoed on one line',
      () => ['score', '-o', 'x\n.txt'],
      /^jcb: -o x\\n\.txt: \.txt is not a format jcb writes/m,
    ],
  ])('%s', async (_, args, message) => {
    const r = await jcb(args());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  // Each file setting that is missing: the command that needs it says so (digest threw "unexpected error: ENOENT").
  it('JCB_SCHEDULES naming a missing file, or one with no schedule', async () => {
    const r = await jcb(['digest'], { JCB_SCHEDULES: '/nowhere/schedules.yml' });
    expect(r.err).toBe(
      'jcb: No schedules file on this server (/nowhere/schedules.yml). Point JCB_SCHEDULES at a schedules.yml file, or unset it.\n',
    );
    expect(r.code).toBe(1);
    const empty = path.join(tmp(), 'schedules.yml');
    writeFileSync(empty, '');
    expect((await jcb(['digest'], { JCB_SCHEDULES: empty })).out).toBe(`No schedules in ${empty}.\n`);
  });

  it('JCB_FACILITIES naming a missing file: said with its remedy, not "send a shorter text"', async () => {
    const note = path.join(tmp(), 'note.txt');
    writeFileSync(note, '発熱が続く。\n');
    const r = await jcb(['phi', note], { JCB_FACILITIES: '/nowhere/facilities.txt' });
    expect(r.err).toMatch(
      /facility list cannot be read\): nothing was sent \(JCB_FACILITIES \/nowhere\/facilities\.txt: ENOENT\)\. Correct it .* or unset JCB_FACILITIES/,
    );
    expect(r.err).not.toMatch(/shorter/);
    expect(r.code).toBe(1);
  });

  it('JCB_MODELS naming a missing file', async () => {
    const r = await jcb(['models'], { JCB_MODELS: '/nowhere/models.yml' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^jcb: No model registry at \/nowhere\/models\.yml\. Point JCB_MODELS/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

/**
 * bin/jcb.js with stdout on a full device (`> /dev/full`), or on a pipe whose reader left before jcb wrote
 * (`| true`): resolves with the exit code and stderr.
 */
function withBrokenStdout(args: string[], how: 'full' | 'closed') {
  return new Promise<{ code: number | null; err: string }>((resolve) => {
    const full = how === 'full' ? openSync('/dev/full', 'w') : undefined;
    const child = spawn(process.execPath, [JCB_BIN, ...args], {
      env: { ...process.env, ...FIXTURE_ENV, JCB_STORE: STORE },
      stdio: ['ignore', full ?? 'pipe', 'pipe'],
    });
    if (full !== undefined) closeSync(full);
    child.stdout?.destroy();
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('standard output that cannot be written', () => {
  // help and --version print before the services load (program.ts); tasks and leaderboard after (execute.ts).
  const lines = [['help'], ['--version'], ['tasks'], ['leaderboard']];
  it.each(lines)('jcb %s > /dev/full: one line, exit 1', async (...args) => {
    const r = await withBrokenStdout(args, 'full');
    expect(r.err).toBe('jcb: cannot write the output: no space left on the device.\n');
    expect(r.code).toBe(1);
  });
  it.each(lines)('jcb %s | true: ends quietly', async (...args) => {
    const r = await withBrokenStdout(args, 'closed');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
