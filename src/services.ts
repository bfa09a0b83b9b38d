// What the faces (CLI, Slack) call. Nothing here knows about terminals or Slack.
import path from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from './errors.js';
import { findDocument, findTask } from './evaluation/documents.js';
import { scoreRows, taskOfFolder } from './evaluation/score-file.js';
import { createRougeTokenizer, type RougeTokenizer } from './metrics/tokenizer/index.js';
import { findModel, loadModels, type ModelConfig } from './models/registry.js';
import { ReplayModel } from './models/replay.js';
import { checkRelease } from './release/check.js';
import { readJsonRows } from './release/files.js';
import { pullRelease } from './release/pull.js';
import { listGenerationFiles, Release, shotOfFileName, type GenerationFile } from './release/release.js';
import type { Metrics, Parsed, Shot, Task } from './tasks/types.js';
import { TASKS } from '../tasks/index.js';

export interface RunRequest {
  task: string;
  model: string;
  /** A document id, the start of one, or `random`. */
  doc: string;
  shot: Shot;
}

export interface RunResult {
  task: Pick<Task, 'id' | 'label' | 'title' | 'metric'>;
  model: { alias: string; label: string; provider: ModelConfig['provider'] };
  shot: Shot;
  document: { id: string; text: string };
  gold: string;
  output: string;
  parse: { ok: boolean; problem?: string; shown: string };
  /** This document's numbers, under the keys of the release's results/ files. */
  metrics: Metrics;
  /** The Table 4 number of this one document (0–1). */
  score: number;
}

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

export interface LeaderboardRow {
  model: string;
  label: string;
  provider: ModelConfig['provider'];
  /** One cell per task, in `columns` order; null where the model has no generations. */
  cells: (number | null)[];
}

export interface Leaderboard {
  shot: Shot;
  columns: { id: string; label: string }[];
  rows: LeaderboardRow[];
}

export interface ServicesOptions {
  env?: NodeJS.ProcessEnv;
  tokenizer?: RougeTokenizer;
  random?: () => number;
}

const TOLERANCE = 1e-4;

function flatten(m: Metrics, prefix = ''): [string, number][] {
  return Object.entries(m).flatMap(([k, v]) =>
    typeof v === 'number' ? [[prefix + k, v]] : flatten(v, `${prefix}${k}.`),
  );
}

/** Every key of `expected` present in `actual` and within 1e-4. */
export function metricsAgree(actual: Metrics, expected: Metrics): boolean {
  const got = new Map(flatten(actual));
  return flatten(expected).every(([k, v]) => got.has(k) && Math.abs(got.get(k)! - v) <= TOLERANCE);
}

export function createServices(options: ServicesOptions = {}) {
  const env = options.env ?? process.env;
  const random = options.random ?? Math.random;
  let release: Release | undefined;
  let tokenizer = options.tokenizer;
  const getRelease = () => (release ??= Release.fromEnv(env));
  const getTokenizer = () => (tokenizer ??= createRougeTokenizer());
  const ctx = { tokenize: (texts: readonly string[]) => getTokenizer().tokenize(texts) };

  const replayOf = (model: ModelConfig) => new ReplayModel(getRelease(), model);

  const modelNameOfDir = (dir: string) => loadModels(env).find((m) => m.release === dir)?.alias ?? dir;

  async function scoreGenerationFile(task: Task, file: GenerationFile): Promise<ScoreRow> {
    const scored = await scoreRows(task, readJsonRows(file.path), ctx);
    const expected = file.resultsPath ? (JSON.parse(readFileSync(file.resultsPath, 'utf8')) as Metrics) : undefined;
    return {
      task: task.id,
      model: modelNameOfDir(file.modelDir),
      file: `${file.folder}/${file.modelDir}/${file.name}.json`,
      n: scored.n,
      score: scored.score,
      metrics: scored.metrics,
      matchesRelease: expected ? metricsAgree(scored.metrics, expected) : null,
      parseFailures: scored.parseFailures,
    };
  }

  return {
    tasks: () => TASKS.map((t) => ({ id: t.id, label: t.label, title: t.title, metric: t.metric, folder: t.folder })),

    models: () =>
      loadModels(env).map((m) => ({
        alias: m.alias,
        label: m.label,
        provider: m.provider,
        source: `release: ${m.release}`,
      })),

    async run(req: RunRequest): Promise<RunResult> {
      const task = findTask(req.task);
      const model = findModel(req.model, env);
      const replay = replayOf(model);
      const gens = replay.requireGenerations(task, req.shot, TASKS);
      let id: string;
      if (req.doc === 'random') {
        const ids = [...gens.keys()];
        id = ids[Math.floor(random() * ids.length)];
      } else {
        const known = [
          ...task.loadDocuments(getRelease()),
          ...[...gens.values()].flatMap((g) => (g.document ? [g.document] : [])),
        ];
        id = findDocument(known, req.doc, task).id;
        if (req.shot === 'one' && task.oneShotExamples.includes(id)) {
          throw new UserError(
            `${task.id} document ${id} is the example inside the one-shot prompt, so it is not evaluated one-shot.`,
            'Try it with --shot zero, or pick another document.',
          );
        }
        if (!gens.has(id)) {
          throw new UserError(
            `${model.alias} (replay) has no released ${req.shot}-shot generation for ${task.id} document ${id}.`,
            `Documents it has include: ${[...gens.keys()].slice(0, 3).join(', ')} (or use "random").`,
          );
        }
      }
      const gen = gens.get(id)!;
      const parsed = task.parse(gen.output) as Parsed<unknown>;
      const [docScore] = await task.score([{ gold: gen.gold, parsed }], ctx);
      const metrics = task.aggregate([docScore]);
      return {
        task: { id: task.id, label: task.label, title: task.title, metric: task.metric },
        model: { alias: model.alias, label: model.label, provider: model.provider },
        shot: req.shot,
        document: { id, text: gen.document?.text ?? '' },
        gold: task.showGold(gen.gold),
        output: gen.output,
        parse: { ok: parsed.ok, problem: parsed.problem, shown: task.showParsed(parsed) },
        metrics,
        score: task.headline(metrics),
      };
    },

    /** Scores a released-format generation file, or every file of a generated/ tree. */
    async score(target?: string): Promise<ScoreRow[]> {
      const rel = getRelease();
      const root = path.resolve(target ?? path.join(rel.root, 'data', 'generated'));
      if (!existsSync(root)) throw new UserError(`No such file or folder: ${target}.`);
      let files: GenerationFile[];
      if (statSync(root).isDirectory()) {
        files = listGenerationFiles(root, path.resolve(root, '..', '..', 'results'));
        if (files.length === 0) {
          throw new UserError(
            `${root} holds no generation files.`,
            "Expected <group>/<TASK>/<model>/<shot>.json, as in the release's data/generated.",
          );
        }
      } else {
        const parts = root.split(path.sep);
        const [group, folder, modelDir, file] = parts.slice(-4);
        const name = file.replace(/\.json$/, '');
        const results = path.join(rel.root, 'results', group, folder, modelDir, file);
        files = [
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
      const scored = files.map((file) => {
        const task = taskOfFolder(file.folder);
        if (!task)
          throw new UserError(`${file.path}: "${file.folder}" is not a J-ClinicalBench setting folder (e.g. CLR/MR).`);
        return { task, file };
      });
      // All files at once: their ROUGE texts then reach the tokenizer as one batch, spread over threads
      // that load the dictionary while the files are read.
      if (scored.some(({ task }) => task.metric === 'ROUGE-L')) getTokenizer().warm();
      return Promise.all(scored.map(({ task, file }) => scoreGenerationFile(task, file)));
    },

    /** Table 4 from the replayed generations of every replay model in the registry. */
    async leaderboard(shot: Shot): Promise<Leaderboard> {
      getTokenizer().warm();
      const rows = loadModels(env).map(async (model): Promise<LeaderboardRow> => {
        const replay = replayOf(model);
        const cells = TASKS.map(async (task) => {
          const file = replay.file(task, shot);
          return file ? (await scoreGenerationFile(task, file)).score : null;
        });
        return { model: model.alias, label: model.label, provider: model.provider, cells: await Promise.all(cells) };
      });
      return { shot, columns: TASKS.map((t) => ({ id: t.id, label: t.label })), rows: await Promise.all(rows) };
    },

    /** What the release holds per setting and model, and what does not fit. */
    checkData: () => checkRelease(getRelease()),

    pullData: (dir?: string) => pullRelease(dir, env),

    release: getRelease,

    async close() {
      await tokenizer?.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
