// Scoring files in the release's layout: the released generations, or an exported run.
import path from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '../base/errors.js';
import { scoreFileAt, taskOfFolder, type FileScore } from '../evaluation/score-file.js';
import type { Interval } from '../metrics/bootstrap.js';
import { listGenerationFiles, shotOfFileName, type GenerationFile } from '../release/release.js';
import type { Metrics, Task } from '../tasks/types.js';
import type { ServiceContext } from './context.js';
import { goldsUnder, requireLabelled } from '../evaluation/labels.js';
import type { LabelVersion } from '../release/views.js';
import { allTasks } from '../../tasks/index.js';

export interface ScoreRow {
  task: string;
  model: string;
  file: string;
  n: number;
  score: number;
  metrics: Metrics;
  /** Whether every key of the release's own results/ file agrees to 1e-4; null where it has none. */
  matchesRelease: boolean | null;
  parseFailures: number;
}

const TOLERANCE = 1e-4;

function flatten(m: Metrics, prefix = ''): [string, number][] {
  return Object.entries(m).flatMap(([k, v]): [string, number][] =>
    typeof v === 'number' ? [[prefix + k, v]] : flatten(v, `${prefix}${k}.`),
  );
}

/** Every key of `expected` present in `actual` and within 1e-4. */
function metricsAgree(actual: Metrics, expected: Metrics): boolean {
  const got = new Map(flatten(actual));
  return flatten(expected).every(([k, v]) => got.has(k) && Math.abs(got.get(k)! - v) <= TOLERANCE);
}

/** The results/ tree beside a generated/ tree: a sibling (jcb export) or two levels up (the release's data/generated). */
function resultsRootOf(generated: string): string {
  const sibling = path.resolve(generated, '..', 'results');
  return existsSync(sibling) ? sibling : path.resolve(generated, '..', '..', 'results');
}

/** Files larger than this (a handful of documents) are read and scored on the pool's threads. */
const IN_THREAD_BYTES = 16_384;

/** A generation file to score (see scoreGenerationFiles). */
export interface FileJob {
  task: Task;
  file: GenerationFile;
  /** The headline's bootstrap interval too. */
  interval?: boolean;
  /** A label version's gold by document id (evaluation/labels.ts): scored on it instead of the embedded gold. */
  golds?: ReadonlyMap<string, unknown>;
}

export type ScoredFile = ScoreRow & { interval: Interval | null };

/**
 * Generation files scored, each compared with its results/ file, in the order given. A file of more than a
 * handful of documents is read, parsed and scored on the pool (issue 28), a task's files together in one
 * thread, one after another: the thread holds one file at a time and tokenizes the task's shared gold texts once
 * (CTS: 14 files, 100 golds each). Tasks go largest first, so that the threads end together. The others, and
 * files scored on a label version's gold, are scored in this thread.
 */
export async function scoreGenerationFiles(ctx: ServiceContext, jobs: readonly FileJob[]): Promise<ScoredFile[]> {
  const pool = ctx.pool();
  const scores: Promise<FileScore>[] = [];
  const byTask = new Map<string, { bytes: number; at: number[] }>();
  jobs.forEach((job, i) => {
    const bytes = statSync(job.file.path).size;
    if (pool && !job.golds && bytes > IN_THREAD_BYTES) {
      const group = byTask.get(job.task.id) ?? { bytes: 0, at: [] };
      byTask.set(job.task.id, group);
      group.bytes += bytes;
      group.at.push(i);
    } else scores[i] = scoreFileAt(job.task.id, job.file.path, ctx.scoring, job.interval ?? false, job.golds);
  });
  for (const { at } of [...byTask.values()].sort((a, b) => b.bytes - a.bytes)) {
    const files = at.map((i) => [jobs[i].task.id, jobs[i].file.path, jobs[i].interval ?? false]);
    const scored = pool!.run<FileScore[]>('scoreFiles', [files]);
    at.forEach((i, k) => (scores[i] = scored.then((all) => all[k])));
  }
  return Promise.all(jobs.map(async (job, i) => scoredFile(ctx, job, await scores[i])));
}

/** A generation file scored (see scoreGenerationFiles). */
export async function scoreGenerationFile(
  ctx: ServiceContext,
  task: Task,
  file: GenerationFile,
  interval = false,
  golds?: ReadonlyMap<string, unknown>,
): Promise<ScoredFile> {
  const [scored] = await scoreGenerationFiles(ctx, [{ task, file, interval, golds }]);
  return scored;
}

/** A file's scores as a row: its model's alias, and whether they match the release's results/ file. */
function scoredFile(ctx: ServiceContext, { task, file, golds }: FileJob, scored: FileScore): ScoredFile {
  // The release's results/ were computed on the embedded gold: compared only when that is what was scored.
  const expected =
    file.resultsPath && !golds ? (JSON.parse(readFileSync(file.resultsPath, 'utf8')) as Metrics) : undefined;
  const model =
    ctx.replayModels().find((m) => m.provider === 'replay' && m.release === file.modelDir)?.alias ?? file.modelDir;
  return {
    task: task.id,
    model,
    file: `${file.folder}/${file.modelDir}/${file.name}.json`,
    n: scored.n,
    score: scored.score,
    metrics: scored.metrics,
    matchesRelease: expected ? metricsAgree(scored.metrics, expected) : null,
    parseFailures: scored.parseFailures,
    interval: scored.interval,
  };
}

/** The generation files a `score` target names: one file, or every file of a generated/ tree. */
function generationFiles(root: string, target: string | undefined): GenerationFile[] {
  if (!existsSync(root)) throw new UserError(`No such file or folder: ${target}.`);
  if (statSync(root).isDirectory()) {
    const files = listGenerationFiles(root, resultsRootOf(root));
    if (files.length === 0) {
      throw new UserError(
        `${root} holds no generation files.`,
        "Expected <group>/<TASK>/<model>/<shot>.json, as in the release's data/generated.",
      );
    }
    return files;
  }
  const parts = path.resolve(root).split(path.sep).slice(1);
  if (parts.length < 4)
    throw new UserError(
      `${root} is not where a generation file lies.`,
      "Expected <group>/<TASK>/<model>/<shot>.json, as in the release's data/generated.",
    );
  const [group, folder, modelDir, file] = parts.slice(-4);
  const name = file.replace(/\.json$/, '');
  const results = path.join(resultsRootOf(path.resolve(root, '..', '..', '..', '..')), group, folder, modelDir, file);
  return [
    {
      folder: `${group}/${folder}`,
      modelDir,
      name,
      shot: shotOfFileName(name),
      path: root,
      resultsPath: existsSync(results) ? results : undefined,
    },
  ];
}

export function scoreServices(ctx: ServiceContext) {
  return {
    /** Scores a released-format generation file, or every file of a generated/ tree. */
    /**
     * `labels`: CCA's files scored on that version's gold (`paper`, the default: the gold each file embeds).
     * @throws UserError for `labels` given with no file of a setting with versions.
     */
    async score(target?: string, labels?: LabelVersion): Promise<ScoreRow[]> {
      const root = path.resolve(target ?? path.join(ctx.release().root, 'data', 'generated'));
      const scored = generationFiles(root, target).map((file) => {
        const task = taskOfFolder(file.folder);
        if (!task)
          throw new UserError(`${file.path}: "${file.folder}" is not a J-ClinicalBench setting folder (e.g. CLR/MR).`);
        return { task, file };
      });
      requireLabelled(
        scored.map(({ task }) => task),
        labels,
        allTasks(),
      );
      const golds = (task: Task) =>
        labels && labels !== 'paper' ? goldsUnder(task, ctx.release([task]), labels) : undefined;
      // All files at once: the pool's threads share out the tasks, the small files' ROUGE texts reach this
      // thread's tokenizer as one batch.
      return scoreGenerationFiles(
        ctx,
        scored.map(({ task, file }) => ({ task, file, golds: golds(task) })),
      );
    },
  };
}
