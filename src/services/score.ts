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

/**
 * A generation file scored, compared with its results/ file; with `interval`, the headline's bootstrap interval.
 * Reading, parsing and scoring a file of more than a handful of documents run on the pool (issue 28).
 */
export async function scoreGenerationFile(
  ctx: ServiceContext,
  task: Task,
  file: GenerationFile,
  interval = false,
  /** A label version's gold by document id (evaluation/labels.ts): scored on it instead of the embedded gold. */
  golds?: ReadonlyMap<string, unknown>,
): Promise<ScoreRow & { interval: Interval | null }> {
  const pool = !golds && statSync(file.path).size > IN_THREAD_BYTES ? ctx.pool() : undefined;
  const scored = pool
    ? await pool.run<FileScore>('scoreFile', [task.id, file.path, interval])
    : await scoreFileAt(task.id, file.path, ctx.scoring, interval, golds);
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
      // All files at once: the pool's threads share them out, the small ones' ROUGE texts reach this thread's
      // tokenizer as one batch.
      requireLabelled(
        scored.map(({ task }) => task),
        labels,
        allTasks(),
      );
      const golds = (task: Task) =>
        labels && labels !== 'paper' ? goldsUnder(task, ctx.release([task]), labels) : undefined;
      return Promise.all(scored.map(({ task, file }) => scoreGenerationFile(ctx, task, file, false, golds(task))));
    },
  };
}
