// Declared tasks through every door past `eval` (issue 31 item 2): queued to a real `jcb worker` (a process of
// its own that finds the task files through JCB_TASKS as the CLI does), then `compare`, `leaderboard --source
// runs -o`, `export` (re-scored by `jcb score`), `digest`, and the Slack App Home and digest blocks, with the
// scores computed by hand and each task's source and licence in every output (a column or caption in files;
// the CC BY-NC-SA task says non-commercial).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMessage } from '../handlers/blocks/digest.js';
import { homeView } from '../handlers/blocks/home.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, FIXTURES, inThreadTokenizer, localChatServer, testModelsFile, runJcb } from './helpers.js';
import { waitFor } from './own-redis.js';

// The built program (npm ci builds dist/): a dozen processes start here, each faster than through tsx.
const BIN = path.resolve(__dirname, '../bin/jcb.js');
const OWN = path.join(FIXTURES, 'task-files', 'own');
const TRIAGE = 'triage: task file · CC BY 4.0 · jcb test fixture';
const MEDS = 'meds: task file · CC BY-NC-SA 4.0 (non-commercial) · jcb test fixture, shared for non-commercial use';

const jcb = runJcb;

describe('declared tasks through the queue, compare, boards, export, digest and the App Home', () => {
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let env: Record<string, string>;
  let worker: ChildProcess;
  let workerLog = '';
  const runs: Record<string, string> = {};
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-taskfile-outputs-'));

  beforeAll(async () => {
    // The fake model of test/task-files.test.ts: triage right but for t5; meds m1 half, m2 one extra, m3 not a list.
    server = await localChatServer(
      (prompt) => {
        if (prompt.includes('胸痛') || prompt.includes('頭痛')) return 'urgent';
        if (prompt.includes('発熱')) return '**soon**';
        if (prompt.includes('アムロジピン5mg')) return "['アムロジピン']";
        if (prompt.includes('メトホルミンを継続')) return "['メトホルミン', 'インスリン']";
        if (prompt.includes('ワルファリン')) return 'ワルファリン, アスピリン';
        return 'routine';
      },
      0,
      true,
    );
    const models = testModelsFile();
    writeFileSync(models, readFileSync(models, 'utf8').replace('http://127.0.0.1:8000/v1', server.url));
    const schedules = path.join(scratch, 'schedules.yml');
    writeFileSync(
      schedules,
      'schedules:\n  ward:\n    cron: "0 2 * * *"\n    models: [local, baseline]\n    tasks: [triage, meds]\n    shot: zero\n    channel: "#ward"\n',
    );
    env = {
      ...FIXTURE_ENV,
      JCB_MODELS: models,
      JCB_STORE: path.join(scratch, 'jcb.sqlite'),
      JCB_TASKS: OWN,
      JCB_PACKS_TASKS: '/nonexistent',
      JCB_SCHEDULES: schedules,
      JCB_QUEUE_PREFIX: `jcbtaskfiles-${process.pid}-${Date.now()}`,
    };
    worker = spawn(process.execPath, [BIN, 'worker'], { env: { ...process.env, ...env } });
    worker.stderr!.on('data', (d) => (workerLog += d));
    await waitFor(async () => workerLog.includes('taking evaluation jobs'), 60_000);
  }, 90_000);

  afterAll(async () => {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    }
    await server.close();
  });

  it('a worker process takes the queued runs of both task files and scores them as computed by hand', async () => {
    for (const model of ['local', 'baseline']) {
      const queued = await jcb(['eval', 'triage,meds', model, '--shot', 'zero', '--queue', '--json'], env);
      expect(queued.code, queued.err).toBe(0);
      runs[model] = JSON.parse(queued.out).run.id;
    }
    const services = createServices({ env: { ...process.env, ...env }, tokenizer: inThreadTokenizer() });
    try {
      await waitFor(async () => {
        const shown = await Promise.all(Object.values(runs).map((id) => services.show(id)));
        return shown.every((s) => s.run.status === 'finished');
      }, 120_000);
      const scores = async (id: string) =>
        Object.fromEntries((await services.show(id)).scores.map((s) => [s.task, [s.n, s.score]]));
      // triage: one miss in six (t5); meds partial F1 (4/3 + 2/3 + 0) / 3; the baseline: all wrong, empty lists.
      expect(await scores(runs.local)).toEqual({
        triage: [6, expect.closeTo(5 / 6, 12)],
        meds: [3, expect.closeTo(2 / 3, 12)],
      });
      expect(await scores(runs.baseline)).toEqual({ triage: [6, 0], meds: [3, 0] });
    } finally {
      await services.close();
    }
    expect(workerLog).not.toMatch(/Unhandled|\n\s+at /);
  }, 150_000);

  it('compare: the difference computed by hand, the source and licence under the table and in the file', async () => {
    const csv = path.join(scratch, 'compare.csv');
    const r = await jcb(['compare', 'local', 'baseline', 'triage,meds', '--shot', 'zero', '-o', csv, '--json'], env);
    expect(r.code, r.err).toBe(0);
    const rows = JSON.parse(r.out) as {
      task: string;
      documents: number;
      about?: string;
      result: { a: number; b: number; difference: number };
    }[];
    expect(rows.map((x) => [x.task, x.documents, x.result.a, x.result.b, x.result.difference])).toEqual([
      ['triage', 6, expect.closeTo(5 / 6, 12), 0, expect.closeTo(5 / 6, 12)],
      ['meds', 3, expect.closeTo(2 / 3, 12), 0, expect.closeTo(2 / 3, 12)],
    ]);
    const text = await jcb(['compare', 'local', 'baseline', 'triage,meds', '--shot', 'zero'], env);
    expect(text.out).toContain(TRIAGE);
    expect(text.out).toContain(MEDS);
    // A leading column (the numbers' context), never a line of its own: one header line, then a row per task.
    const lines = readFileSync(csv, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^shot,scale,release,source and licence,task,/);
    for (const line of lines.slice(1)) expect(line).toContain(`"${TRIAGE}; ${MEDS}"`);
  });

  it('leaderboard --source runs: the lines under the board, a CSV column and a Markdown caption', async () => {
    const csv = path.join(scratch, 'board.csv');
    const md = path.join(scratch, 'board.md');
    const text = await jcb(['leaderboard', '--source', 'runs', '--shot', 'zero', '-o', csv], env);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`${MEDS}\n${TRIAGE}`);
    const lines = readFileSync(csv, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^shot,source,scale,release,labels,documents,source and licence,model,/);
    expect(lines.slice(1).every((l) => l.includes(`"${MEDS}; ${TRIAGE}"`))).toBe(true);
    await jcb(['leaderboard', '--source', 'runs', '--shot', 'zero', '-o', md], env);
    expect(readFileSync(md, 'utf8').split('\n')[0]).toContain(`source and licence: ${MEDS}; ${TRIAGE}`);
  });

  it('export: a SOURCE.txt caption beside each task’s files, and jcb score gives the run’s scores back', async () => {
    const dir = path.join(scratch, 'export');
    const r = await jcb(['export', runs.local, '--dir', dir], env);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(dir, 'generated', 'declared', 'meds', 'SOURCE.txt'), 'utf8')).toBe(
      `meds: Drug names in a one-line note, as a list\n${MEDS.slice('meds: '.length)}\n`,
    );
    expect(existsSync(path.join(dir, 'generated', 'declared', 'triage', 'SOURCE.txt'))).toBe(true);
    const scored = await jcb(['score', path.join(dir, 'generated'), '--json'], env);
    expect(scored.code, scored.err).toBe(0);
    expect(
      Object.fromEntries(JSON.parse(scored.out).map((x: { task: string; score: number }) => [x.task, x.score])),
    ).toEqual({
      triage: expect.closeTo(5 / 6, 12),
      meds: expect.closeTo(2 / 3, 12),
    });
  });

  it('digest: each model × declared task with its score, and the source and licence lines (CLI and Slack)', async () => {
    const r = await jcb(['digest', 'ward', '--json'], env);
    expect(r.code, r.err).toBe(0);
    const [digest] = JSON.parse(r.out);
    expect(
      digest.rows.map((x: { model: string; task: string; score: number; about: string }) => [
        x.model,
        x.task,
        x.score,
        x.about,
      ]),
    ).toEqual([
      ['local', 'triage', expect.closeTo(5 / 6, 12), TRIAGE.slice('triage: '.length)],
      ['local', 'meds', expect.closeTo(2 / 3, 12), MEDS.slice('meds: '.length)],
      ['baseline', 'triage', 0, TRIAGE.slice('triage: '.length)],
      ['baseline', 'meds', 0, MEDS.slice('meds: '.length)],
    ]);
    const text = await jcb(['digest', 'ward'], env);
    expect(text.out).toContain(`${TRIAGE}\n${MEDS}`);
    const blocks = JSON.stringify(digestMessage(digest).blocks);
    expect(blocks).toContain('meds *66.7*');
    expect(blocks).toContain(JSON.stringify(`${TRIAGE}\n${MEDS}`).slice(1, -1));
  });

  it('App Home: the runs board has the declared tasks’ columns and their source and licence under it', async () => {
    const services = createServices({ env: { ...process.env, ...env }, tokenizer: inThreadTokenizer() });
    try {
      const runsBoard = await services.leaderboard('zero', 'runs');
      const view = JSON.stringify(homeView({ runs: runsBoard, recent: [] }).blocks);
      expect(view).toMatch(/meds +Triage/);
      expect(view).toContain(JSON.stringify(`${MEDS}\n${TRIAGE}`).slice(1, -1));
    } finally {
      await services.close();
    }
  });
});
