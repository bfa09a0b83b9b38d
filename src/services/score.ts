// Scoring files in the release's layout: the released generations, or an exported run.
import path from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { scoreFileAt, scoreFilesAt, taskOfFolder, type FileScore, type FileToScore } from '../evaluation/score-file.js';
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
 * handful of documents, or whose interval is asked for, is read, parsed and scored on the pool (issue 28), a task's files together in one
 * thread, one after another (scoreFilesAt: the task's gold texts tokenized once, one file held at a time); tasks
 * go largest first, so that the threads end together. The others, and files scored on a label version's gold,
 * are scored in this thread. With `callerWorks` (a CLI, whose event loop has nothing else to do) this thread
 * takes tasks too, in place of one of the pool's threads: the same parallelism, one thread's memory less.
 */
export async function scoreGenerationFiles(
  ctx: ServiceContext,
  jobs: readonly FileJob[],
  callerWorks = false,
): Promise<ScoredFile[]> {
  const pool = ctx.pool();
  const scores: Promise<FileScore>[] = [];
  // A file's score is awaited only once every worker below is done: marked handled meanwhile, so that its failure
  // reaches the caller (one line) there, not the process as an unhandled rejection now.
  const keep = (i: number, score: Promise<FileScore>) => {
    score.catch(() => {});
    scores[i] = score;
  };
  const byTask = new Map<string, { bytes: number; at: number[] }>();
  jobs.forEach((job, i) => {
    const bytes = statSync(job.file.path).size;
    // With callerWorks, small files too: this thread tokenizes them itself, rather than ask a thread more. A
    // file's interval (1,000 resamples) holds an event loop 50-90 ms even for a small file: on the pool too.
    if (pool && !job.golds && (callerWorks || job.interval || bytes > IN_THREAD_BYTES)) {
      const group = byTask.get(job.task.id) ?? { bytes: 0, at: [] };
      byTask.set(job.task.id, group);
      group.bytes += bytes;
      group.at.push(i);
    } else keep(i, scoreFileAt(job.task.id, job.file.path, ctx.scoring, job.interval ?? false, job.golds));
  });
  const tasks = [...byTask.values()].sort((a, b) => b.bytes - a.bytes);
  // Each worker takes the next task when done with its last (the pool's own queue would take them all at once).
  const worker = async (score: (files: FileToScore[]) => Promise<FileScore[]>) => {
    for (let task = tasks.shift(); task; task = tasks.shift()) {
      const scored = score(task.at.map((i) => [jobs[i].task.id, jobs[i].file.path, jobs[i].interval ?? false]));
      task.at.forEach((i, k) =>
        keep(
          i,
          scored.then((all) => all[k]),
        ),
      );
      await scored.catch(() => {}); // thrown where the files' rows are built, below
    }
  };
  if (pool) {
    const threads = callerWorks ? Math.max(1, pool.size - 1) : pool.size;
    // A CLI's pool may be warming its first thread (services-pool.ts startPoolEarly): the pool's workers wait for
    // it, so that it takes their first task rather than a second thread start and load the same (this thread
    // takes tasks meanwhile).
    const warmed = callerWorks ? pool.warm() : Promise.resolve(true);
    const onPool = (files: FileToScore[]) => warmed.then(() => pool.run<FileScore[]>('scoreFiles', [files]));
    const workers = Array.from({ length: threads }, () => worker(onPool));
    if (callerWorks) workers.push(worker(scoreFilesAt));
    await Promise.all(workers);
  }
  return Promise.all(jobs.map(async (job, i) => scoredFile(ctx, job, await scores[i])));
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
        `${root} holds no generation files${operatorFix(": give a generated/ tree of <group>/<TASK>/<model>/<shot>.json files (as the release's data/generated), or one such file")}.`,
      );
    }
    return files;
  }
  const parts = path.resolve(root).split(path.sep).slice(1);
  // Its place names its task, model and shot: a file elsewhere (a text, a lone JSON) is no generation file.
  if (parts.length < 4 || !root.endsWith('.json'))
    throw new UserError(
      `${root} is not a generation file${operatorFix(": give one at <group>/<TASK>/<model>/<shot>.json of a generated/ tree (as the release's data/generated), or the tree")}.`,
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
    /**
     * Scores a released-format generation file, or every file of a generated/ tree.
     * `labels`: CCA's files scored on that version's gold (`paper`, the default: the gold each file embeds).
     * `callerWorks`: this thread scores beside the pool's (scoreGenerationFiles; the CLI's, never the bot's).
     * @throws UserError for `labels` given with no file of a setting with versions.
     */
    async score(target?: string, labels?: LabelVersion, callerWorks = false): Promise<ScoreRow[]> {
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
        allTasks,
      );
      const golds = (task: Task) =>
        labels && labels !== 'paper' ? goldsUnder(task, ctx.release([task]), labels) : undefined;
      // All files at once: the pool's threads share out the tasks, the small files' ROUGE texts reach this
      // thread's tokenizer as one batch.
      return scoreGenerationFiles(
        ctx,
        scored.map(({ task, file }) => ({ task, file, golds: golds(task) })),
        callerWorks,
      );
    },
  };
}
