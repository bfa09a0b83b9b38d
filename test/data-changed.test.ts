// A run records its declared tasks' data (TaskOrigin.dataHash, run-assumptions.ts): a resume on data that
// changed since the run started is refused in one line, and a worker whose data differs leaves the run's jobs.
// Generated over every file a task file reads its rows from: a data file, one of several, the answer key.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataChanged, runAssumptions } from '../src/evaluation/run-assumptions.js';
import { assumptionsOf, taskFileMismatch } from '../src/queue/assumptions.js';
import { loadTaskFile } from '../src/tasks/task-file/load.js';
import { TASK_IDS } from '../src/tasks/types.js';
import { FIXTURE_ENV, FIXTURES, freshStore, packsDir } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';
import { fileRedis } from './own-redis.js';

const batch = jcbBatch();
afterAll(() => batch.close());
const { redis } = fileRedis();

const OWN = path.join(FIXTURES, 'task-files', 'own');
const header = 'id,note,urgency';
const lines = readFileSync(path.join(OWN, 'triage.csv'), 'utf8').trim().split('\n').slice(1);

/**
 * The triage fixture with its rows in `layout`: one data file, two, or a data file without gold and an answer
 * key. Returns the folder and, for each file, its name and text.
 */
function folder(layout: 'one' | 'two' | 'key'): { dir: string; files: Record<string, string> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-data-changed-'));
  let yml = readFileSync(path.join(OWN, 'triage.yml'), 'utf8');
  const files: Record<string, string> = {};
  if (layout === 'one') files['triage.csv'] = [header, ...lines].join('\n') + '\n';
  if (layout === 'two') {
    files['a.csv'] = [header, ...lines.slice(0, 3)].join('\n') + '\n';
    files['b.csv'] = [header, ...lines.slice(3)].join('\n') + '\n';
    yml = yml.replace('file: triage.csv', 'file: [a.csv, b.csv]');
  }
  if (layout === 'key') {
    files['notes.csv'] = ['id,note', ...lines.map((l) => l.split(',').slice(0, 2).join(','))].join('\n') + '\n';
    files['key.csv'] =
      ['id,urgency', ...lines.map((l) => `${l.split(',')[0]},${l.split(',').at(-1)}`)].join('\n') + '\n';
    yml = yml.replace('file: triage.csv', 'file: notes.csv\n  answers: { file: key.csv, id: id, gold: urgency }');
  }
  writeFileSync(path.join(dir, 'triage.yml'), yml);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, files };
}

/** The file's last row with another gold (urgent ↔ routine): one row's data changed. */
const regraded = (text: string) => {
  const rows = text.trim().split('\n');
  const last = rows.at(-1)!;
  rows[rows.length - 1] = last.endsWith('urgent')
    ? last.replace(/urgent$/, 'routine')
    : last.replace(/[a-z]+$/, 'urgent');
  return rows.join('\n') + '\n';
};

const parts = [
  ['a single data file', 'one', 'triage.csv', 'triage.csv'],
  ['the second of two data files', 'two', 'b.csv', 'a.csv, b.csv'],
  ['the answer key', 'key', 'key.csv', 'notes.csv, key.csv'],
] as const;

describe('a resume on data changed since the run started', () => {
  for (const [what, layout, file, named] of parts)
    it(`is refused in one line when ${what} changed; resumes when it holds the same rows`, async () => {
      const { dir, files } = folder(layout);
      const store = await freshStore('sqlite');
      const env = { ...FIXTURE_ENV, ...store.env, JCB_TASKS: dir, JCB_PACKS_TASKS: '/nonexistent' };
      const first = await batch.run(['eval', 'triage', 'baseline', '--shot', 'zero'], env);
      expect(first.code, first.err).toBe(0);
      const runId = /^Run (\S+):/.exec(first.out)![1];
      // In the foreground and queued (this process plans the queued documents from its own data).
      const resumes = [
        () => batch.run(['eval', 'triage', 'baseline', '--shot', 'zero', '--run', runId], env),
        () =>
          batch.run(['eval', 'triage', 'baseline', '--shot', 'zero', '--queue', '--run', runId], {
            ...env,
            REDIS_URL: redis.url,
          }),
      ];
      for (const resume of resumes) {
        // The same rows saved otherwise (CRLF line ends) are the same data.
        writeFileSync(path.join(dir, file), files[file].replaceAll('\n', '\r\n'));
        const same = await resume();
        expect(same.code, same.err).toBe(0);
        writeFileSync(path.join(dir, file), regraded(files[file]));
        const refused = await resume();
        expect(refused.code).toBe(1);
        expect(refused.err).toBe(
          `jcb: The data file of task triage changed since run ${runId} started (${named}). Start a new run without --run, or put the old file back.\n`,
        );
        writeFileSync(path.join(dir, file), files[file]);
        expect((await resume()).code).toBe(0);
      }
    });
});

describe("a worker's data", () => {
  const load = (dir: string) => {
    const { task } = loadTaskFile(
      { file: path.join(dir, 'triage.yml'), source: 'task file' },
      process.env,
      new Set(TASK_IDS),
    );
    return task!;
  };
  const config = { alias: 'baseline', provider: 'baseline' } as never;
  const engine = JSON.stringify({ provider: 'baseline', node: 'v0' });
  for (const [what, layout, file] of parts)
    it(`differing in ${what} from the run's makes it leave the job; a run recorded before data hashes is not checked`, () => {
      const { dir, files } = folder(layout);
      const started = load(dir);
      const run = {
        engine,
        label_version: null,
        document_set: 'paper',
        assumptions: JSON.stringify(runAssumptions([started], config)),
      };
      const assumes = assumptionsOf(run, 's', 'triage');
      expect(taskFileMismatch(assumes, started)).toBeUndefined();
      writeFileSync(path.join(dir, file), regraded(files[file]));
      const now = load(dir);
      expect(now.origin!.hash).toBe(started.origin!.hash);
      expect(taskFileMismatch(assumes, now)).toBe(
        `this worker's data file of triage differs (${now.origin!.dataHash}, the run's ${started.origin!.dataHash})`,
      );
      expect(dataChanged(run, runAssumptions([now], config), ['triage'])).toEqual(['triage']);
      // Recorded before data hashes: its jobs carry none, and a resume is not refused for data.
      const { dataFiles: _, ...before } = runAssumptions([started], config);
      const old = { ...run, assumptions: JSON.stringify(before) };
      expect(taskFileMismatch(assumptionsOf(old, 's', 'triage'), now)).toBeUndefined();
      expect(dataChanged(old, runAssumptions([now], config), ['triage'])).toEqual([]);
    });
});

// Each way a declared task is found: its variable, and the env that found it (the fresh shell lacks the variable).
const PACKS = packsDir();
const found = [
  ['a task file', 'JCB_TASKS', 'triage', () => ({ JCB_TASKS: folder('one').dir, JCB_PACKS_TASKS: '/nonexistent' })],
  // A home without packs, as a fresh shell's may be: the pack's data is found only through JCB_PACKS_DIR.
  [
    'a pack',
    'JCB_PACKS_DIR',
    'jmed-crade',
    () => ({ JCB_PACKS_DIR: PACKS!, JCB_HOME: mkdtempSync(path.join(os.tmpdir(), 'jcb-home-')) }),
  ],
] as const;

describe("export's re-score hint for a declared task's run", () => {
  for (const [what, variable, task, foundBy] of found)
    it.skipIf(variable === 'JCB_PACKS_DIR' && !PACKS)(
      `is a command that scores the export of ${what}'s task in a shell without ${variable}`,
      async () => {
        const store = await freshStore('sqlite');
        const env = { ...FIXTURE_ENV, ...store.env, ...foundBy() };
        const first = await batch.run(['eval', task, 'baseline', '--shot', 'zero', '--limit', '5'], env);
        expect(first.code, first.err).toBe(0);
        const runId = /^Run (\S+):/.exec(first.out)![1];
        const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-export- ')), 'out');
        const exported = await batch.run(['export', runId, '--dir', out], env);
        expect(exported.code, exported.err).toBe(0);
        const hint = /^Re-score with: (.*)$/m.exec(exported.out)![1];
        // The hint's words as a shell reads them: VAR=value assignments, then jcb and its arguments.
        const words = [...hint.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
          (m[1] ?? m[2]).replaceAll("'\\''", "'"),
        );
        const assigned = Object.fromEntries(
          words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split(/=(.*)/s).slice(0, 2)),
        );
        const command = words.filter((w) => !/^[A-Z_]+=/.test(w));
        expect(command.slice(0, 2)).toEqual(['jcb', 'score']);
        const scored = await batch.run(command.slice(1), { ...env, [variable]: undefined, ...assigned });
        expect(scored.err).toBe('');
        expect(scored.code).toBe(0);
        expect(scored.out).toMatch(new RegExp(`${task}\\s+baseline\\s+zero`));
      },
    );
});
