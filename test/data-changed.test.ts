// A run records its declared tasks' inputs (run-assumptions.ts: the task file, its rows, a replayed model's
// generations): a resume on an input that changed since the run started is refused in one line, foreground and
// queued alike, and a worker whose input differs leaves the run's jobs. Generated over every file a run reads:
// the task file, a data file, one of several, the answer key, the generations file replayed.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedInput, runAssumptions } from '../src/evaluation/run-assumptions.js';
import type { ModelConfig } from '../src/models/registry.js';
import { assumptionsOf, taskFileMismatch } from '../src/queue/assumptions.js';
import { loadTaskFile } from '../src/tasks/task-file/load.js';
import { TASK_IDS, type Task } from '../src/tasks/types.js';
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
function folder(layout: 'one' | 'two' | 'key' | 'gen'): { dir: string; files: Record<string, string> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-data-changed-'));
  let yml = readFileSync(path.join(OWN, 'triage.yml'), 'utf8');
  const files: Record<string, string> = {};
  if (layout === 'one' || layout === 'gen') files['triage.csv'] = [header, ...lines].join('\n') + '\n';
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
  if (layout === 'gen') {
    const rows = lines.map((l) => ({ id: l.split(',')[0], generated: l.split(',').at(-1), gold: l.split(',').at(-1) }));
    files[GENERATIONS] = JSON.stringify(rows);
    yml += 'generations: { dir: generated, id: id }\n';
  }
  files['triage.yml'] = yml;
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return { dir, files };
}

const GENERATIONS = 'generated/gpt-4o/zero_shot.json';

/** The file's last row with another gold (urgent ↔ routine): one row's data changed. */
const regraded = (text: string) => {
  const rows = text.trim().split('\n');
  const last = rows.at(-1)!;
  rows[rows.length - 1] = last.endsWith('urgent')
    ? last.replace(/urgent$/, 'routine')
    : last.replace(/[a-z]+$/, 'urgent');
  return rows.join('\n') + '\n';
};

/** The same input saved otherwise (CRLF line ends: the same rows), or, for a file hashed as it is, rewritten as it is. */
const resaved = (text: string) => text.replaceAll('\n', '\r\n');
/** A scoring setting of the task file changed: another headline metric. */
const rescored = (text: string) => text.replace('metrics: [accuracy, kappa', 'metrics: [kappa, accuracy');
/** The replayed generation of the last row changed. */
const regenerated = (text: string) => {
  const rows = JSON.parse(text) as { generated: string }[];
  rows.at(-1)!.generated = rows.at(-1)!.generated === 'urgent' ? 'routine' : 'urgent';
  return JSON.stringify(rows);
};
const same = (text: string) => text;
/** The task file described otherwise: a comment, another title and board label, a name in full width (read as `note`). */
const redescribed = (text: string) =>
  text
    .replace(/^title: .*$/m, 'title: Another title')
    .replace(/^label: .*$/m, 'label: Triage 2')
    .replace('input: note', 'input: ｎｏｔｅ') + '# a comment\n';
/** The task file's prompt changed. */
const reprompted = (text: string) => text.replace('訴え: {{note}}', '主訴: {{note}}');
/** The task file's labels in another order (weighted kappa changes). */
const relabelled = (text: string) => text.replace('labels: [urgent, soon, routine]', 'labels: [routine, soon, urgent]');

// [what, layout, file changed, model, the input as named, the files named, the same input, a changed one]
const parts = [
  ['a single data file', 'one', 'triage.csv', 'baseline', 'data file', 'triage.csv', resaved, regraded],
  ['the second of two data files', 'two', 'b.csv', 'baseline', 'data file', 'a.csv, b.csv', resaved, regraded],
  ['the answer key', 'key', 'key.csv', 'baseline', 'data file', 'notes.csv, key.csv', resaved, regraded],
  ["the task file's metrics", 'one', 'triage.yml', 'baseline', 'task file', 'triage.yml', redescribed, rescored],
  ["the task file's prompt", 'one', 'triage.yml', 'baseline', 'task file', 'triage.yml', redescribed, reprompted],
  ["the task file's labels", 'one', 'triage.yml', 'baseline', 'task file', 'triage.yml', redescribed, relabelled],
  ['the generations file replayed', 'gen', GENERATIONS, 'gpt-4o', 'generations file', GENERATIONS, same, regenerated],
] as const;

describe('a resume on an input changed since the run started', () => {
  for (const [what, layout, file, model, input, named, unchanged, changed] of parts)
    it(`is refused in one line when ${what} changed, foreground and queued; resumes when it is the same`, async () => {
      const { dir, files } = folder(layout);
      const store = await freshStore('sqlite');
      const env = { ...FIXTURE_ENV, ...store.env, JCB_TASKS: dir, JCB_PACKS_TASKS: '/nonexistent' };
      const first = await batch.run(['eval', 'triage', model, '--shot', 'zero'], env);
      expect(first.code, first.err).toBe(0);
      const runId = /^Run (\S+):/.exec(first.out)![1];
      // In the foreground and queued (this process plans the queued documents from its own inputs).
      const resumes = [
        () => batch.run(['eval', 'triage', model, '--shot', 'zero', '--run', runId], env),
        () =>
          batch.run(['eval', 'triage', model, '--shot', 'zero', '--queue', '--run', runId], {
            ...env,
            REDIS_URL: redis.url,
          }),
      ];
      for (const resume of resumes) {
        writeFileSync(path.join(dir, file), unchanged(files[file]));
        const kept = await resume();
        expect(kept.code, kept.err).toBe(0);
        writeFileSync(path.join(dir, file), changed(files[file]));
        const refused = await resume();
        expect(refused.code).toBe(1);
        expect(refused.err).toBe(
          `jcb: The ${input} of task triage changed since run ${runId} started (${named}). Start a new run without --run, or put the old file back.\n`,
        );
        writeFileSync(path.join(dir, file), files[file]);
        expect((await resume()).code).toBe(0);
      }
    });
});

describe("a worker's inputs", () => {
  const load = (dir: string) => {
    const { task } = loadTaskFile(
      { file: path.join(dir, 'triage.yml'), source: 'task file' },
      process.env,
      new Set(TASK_IDS),
    );
    return task!;
  };
  const configs = {
    baseline: { alias: 'baseline', provider: 'baseline' },
    'gpt-4o': { alias: 'gpt-4o', provider: 'replay', release: 'gpt-4o' },
  } as never as Record<string, ModelConfig>;
  const keys = { 'task file': 'taskFiles', 'data file': 'dataFiles', 'generations file': 'generations' } as const;
  for (const [what, layout, file, model, input, , , changed] of parts)
    it(`differing in ${what} from the run's makes it leave the job; a run recorded before it was is not checked`, () => {
      const { dir, files } = folder(layout);
      const config = configs[model];
      const started = load(dir);
      const recorded = runAssumptions([started], config, 'zero');
      const run = { engine: '{}', label_version: null, document_set: 'paper', assumptions: JSON.stringify(recorded) };
      const assumes = assumptionsOf(run, 's', 'triage');
      const mine = (task: Task) => () => runAssumptions([task], config, 'zero').generations?.triage;
      expect(taskFileMismatch(assumes, started, mine(started))).toBeUndefined();
      writeFileSync(path.join(dir, file), changed(files[file]));
      const now = load(dir);
      const current = runAssumptions([now], config, 'zero');
      const key = keys[input];
      expect(taskFileMismatch(assumes, now, mine(now))).toBe(
        `this worker's ${input} of triage differs (${current[key]!.triage}, the run's ${recorded[key]!.triage})`,
      );
      expect(changedInput(run, current, ['triage'])).toEqual({ task: 'triage', input });
      // Recorded before this input was (none for a task file: every run records it).
      if (key === 'taskFiles') return;
      const { [key]: _, ...before } = recorded;
      const old = { ...run, assumptions: JSON.stringify(before) };
      expect(taskFileMismatch(assumptionsOf(old, 's', 'triage'), now, mine(now))).toBeUndefined();
      expect(changedInput(old, current, ['triage'])).toBeUndefined();
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

describe("export's re-score hint run from another folder", () => {
  it('names the task files and the export by absolute paths: it scores the export wherever it is pasted', async () => {
    const { dir } = folder('one');
    const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-rescore-'));
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'jcb-rescore-elsewhere-'));
    const store = await freshStore('sqlite');
    // jcb run from the folder above the task files, naming them and the export relatively.
    const here = jcbBatch({ cwd: path.dirname(dir) });
    const there = jcbBatch({ cwd: elsewhere });
    try {
      const env = { ...FIXTURE_ENV, ...store.env, JCB_TASKS: path.basename(dir), JCB_PACKS_TASKS: '/nonexistent' };
      const first = await here.run(['eval', 'triage', 'baseline', '--shot', 'zero'], env);
      expect(first.code, first.err).toBe(0);
      const runId = /^Run (\S+):/.exec(first.out)![1];
      const out = path.relative(path.dirname(dir), path.join(home, 'out'));
      const exported = await here.run(['export', runId, '--dir', out], env);
      expect(exported.code, exported.err).toBe(0);
      const hint = /^Re-score with: JCB_TASKS=(\S+) jcb score (\S+)$/m.exec(exported.out);
      expect(hint).not.toBeNull();
      expect([hint![1], hint![2]]).toEqual([dir, path.join(home, 'out', 'generated')]);
      const scored = await there.run(['score', hint![2]], { ...env, JCB_TASKS: hint![1] });
      expect(scored.err).toBe('');
      expect(scored.out).toMatch(/triage\s+baseline\s+zero/);
    } finally {
      here.close();
      there.close();
    }
  });
});

describe('a resume of a task-file run where its task file is not loaded', () => {
  it('says so in one line (not "Unknown task"), foreground and queued', async () => {
    const { dir } = folder('one');
    const store = await freshStore('sqlite');
    const env = { ...FIXTURE_ENV, ...store.env, JCB_TASKS: dir, JCB_PACKS_TASKS: '/nonexistent' };
    const first = await batch.run(['eval', 'triage', 'baseline', '--shot', 'zero'], env);
    expect(first.code, first.err).toBe(0);
    const runId = /^Run (\S+):/.exec(first.out)![1];
    for (const queued of [[], ['--queue']]) {
      const args = ['eval', 'triage', 'baseline', '--shot', 'zero', ...queued, '--run', runId];
      const resumed = await batch.run(args, { ...env, JCB_TASKS: undefined, REDIS_URL: redis.url });
      expect(resumed.code).toBe(1);
      expect(resumed.err).toBe(`jcb: Run ${runId}'s task triage: task file not loaded here: set JCB_TASKS.\n`);
    }
  });
});
