// What the faces (CLI, Slack) call. Nothing here knows about terminals or Slack.
import path from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from './errors.js';
import { evaluationDocuments, findDocument, findTask } from './evaluation/documents.js';
import { evaluate, openRun, planDocuments, type EvalResult, type Progress } from './evaluation/engine.js';
import type Queue from 'bull';
import {
  chunkSize,
  ensureReachable,
  openEvalQueue,
  openScheduleQueue,
  removeWaitingJobs,
  type ChunkJob,
} from './queue/eval-queue.js';
import { startWorker } from './queue/worker.js';
import { leaderboardPng } from './leaderboard/chart.js';
import { pairedBootstrap, scoreInterval, type Interval, type PairedComparison } from './metrics/bootstrap.js';
import { installSchedules, loadSchedules, type ScheduleJob } from './queue/schedules.js';
import { exportRun } from './evaluation/export.js';
import { scoreRows, taskOfFolder } from './evaluation/score-file.js';
import { createRougeTokenizer, type RougeTokenizer } from './metrics/tokenizer/index.js';
import { createProvider } from './models/index.js';
import type { ModelProvider } from './models/provider.js';
import { addModel, availability, findModel, loadModels, type ModelConfig, type Provider } from './models/registry.js';
import { ReplayModel } from './models/replay.js';
import { checkRelease } from './release/check.js';
import { readJsonRows } from './release/files.js';
import { pullRelease } from './release/pull.js';
import { listGenerationFiles, Release, shotOfFileName, type GenerationFile } from './release/release.js';
import { Store, type Run } from './store/store.js';
import type { Command } from './command/grammar.js';
import { buildPrompt } from './tasks/prompt.js';
import { CRITERIA, outputHash, RATED_TASKS, ratingsReport, type Criterion, type RatedOutput } from './ratings.js';
import { judge, RUBRIC_VERSION, spearman } from './judge.js';
import type { Comparison, Document, DocScore, Metrics, Parsed, Shot, Task } from './tasks/types.js';
import { MAX_FREE_TEXT } from './command/conversation.js';
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
  model: { alias: string; label: string; provider: Provider };
  shot: Shot;
  document: { id: string; text: string };
  gold: string;
  output: string;
  parse: { ok: boolean; problem?: string; shown: string };
  comparison: Comparison;
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
  provider: Provider;
  /** One cell per task, in `columns` order; null where there is no score. */
  cells: (number | null)[];
  /** For stored runs: the run each cell comes from. */
  runs?: (string | null)[];
  /** 95 % bootstrap interval of each cell (documents resampled, seed 1, 1,000 resamples). */
  intervals?: (Interval | null)[];
}

export interface Leaderboard {
  shot: Shot;
  source: 'paper' | 'runs';
  columns: { id: string; label: string }[];
  rows: LeaderboardRow[];
}

/** What an evaluation needs: the `eval` command of the grammar, without how its result is shown. */
export type EvalCommand = Pick<
  Extract<Command, { kind: 'eval' }>,
  'task' | 'model' | 'shot' | 'limit' | 'concurrency' | 'runId'
> & {
  noCache?: boolean;
  /** The run's owner: a Slack user id, or `terminal`. */
  startedBy?: string;
};

export interface RunSummary {
  run: Run;
  tasks: string[];
  scores: {
    task: string;
    n: number;
    failed: number;
    parseFailures: number;
    score: number;
    metrics: Metrics;
    interval: Interval | null;
  }[];
  documents: { done: number; failed: number; cached: number };
  failures: { task: string; doc: string; error: string }[];
}

export interface AskRequest {
  task: string;
  /** Default: JCB_CHAT_MODEL, else the first model allowed free text. */
  model?: string;
  text: string;
}

export interface AskResult {
  task: Pick<Task, 'id' | 'label' | 'title'>;
  model: { alias: string; label: string; provider: Provider };
  output: string;
  parse: { ok: boolean; problem?: string; shown: string };
}

export interface RunProgress {
  run: Run;
  planned: number | null;
  done: number;
  failed: number;
  elapsedMs: number;
  /** Estimated time left, from the pace so far; undefined before the first document. */
  etaMs: number | undefined;
  scores: RunSummary['scores'];
  /** Headline scores of the model's previous finished run, by task: to show the change. */
  previous: Record<string, number>;
}

export interface DigestRow {
  model: string;
  task: string;
  score: number | null;
  /** The score the last digest reported. */
  previous: number | null;
  regression: boolean;
  run: string | null;
  /** 95 % bootstrap interval of the score. */
  interval: Interval | null;
}

export interface Digest {
  schedule: string;
  channel: string;
  shot: Shot;
  since: string | null;
  rows: DigestRow[];
  /** Runs since the last digest that did not end well: cancelled, interrupted, or with failed documents. */
  failedRuns: { run: string; model: string; status: string; failed: number }[];
}

/** One setting of `compare`: null where the two models share no document. */
export interface ModelComparison {
  task: string;
  documents: number;
  result: PairedComparison | null;
}

export interface ServicesOptions {
  env?: NodeJS.ProcessEnv;
  tokenizer?: RougeTokenizer;
  random?: () => number;
  /** Backoff base for live providers (tests shorten it). */
  retryBaseDelayMs?: number;
}

const TOLERANCE = 1e-4;

function flatten(m: Metrics, prefix = ''): [string, number][] {
  return Object.entries(m).flatMap(([k, v]): [string, number][] =>
    typeof v === 'number' ? [[prefix + k, v]] : flatten(v, `${prefix}${k}.`),
  );
}

/** Every key of `expected` present in `actual` and within 1e-4. */
export function metricsAgree(actual: Metrics, expected: Metrics): boolean {
  const got = new Map(flatten(actual));
  return flatten(expected).every(([k, v]) => got.has(k) && Math.abs(got.get(k)! - v) <= TOLERANCE);
}

/** The results/ tree beside a generated/ tree: a sibling (jcb export) or two levels up (the release's data/generated). */
function resultsRootOf(generated: string): string {
  const sibling = path.resolve(generated, '..', 'results');
  return existsSync(sibling) ? sibling : path.resolve(generated, '..', '..', 'results');
}

function tasksOf(spec: string): Task[] {
  return spec.toLowerCase() === 'all' ? [...TASKS] : spec.split(',').map((t) => findTask(t.trim()));
}

export function createServices(options: ServicesOptions = {}) {
  const env = options.env ?? process.env;
  const random = options.random ?? Math.random;
  let release: Release | undefined;
  let tokenizer = options.tokenizer;
  let store: Promise<Store> | undefined;
  const providers = new Map<string, ModelProvider>();
  const paperBoards = new Map<Shot, Leaderboard>();
  const getRelease = () => (release ??= Release.fromEnv(env));
  const getTokenizer = () => (tokenizer ??= createRougeTokenizer());
  const getStore = () => (store ??= Store.open(env));
  let queue: Queue.Queue<ChunkJob> | undefined;
  let scheduleQueue: Queue.Queue | undefined;
  const getQueue = () => (queue ??= openEvalQueue(env));
  const ctx = { tokenize: (texts: readonly string[]) => getTokenizer().tokenize(texts) };
  const hasRelease = () => {
    try {
      getRelease();
      return true;
    } catch {
      return false;
    }
  };

  const providerOf = (model: ModelConfig): ModelProvider => {
    if (!providers.has(model.alias)) {
      providers.set(
        model.alias,
        createProvider(model, { release: getRelease, env, retryBaseDelayMs: options.retryBaseDelayMs }),
      );
    }
    return providers.get(model.alias)!;
  };
  const replayModels = () => loadModels(env).filter((m) => m.provider === 'replay');
  const modelNameOfDir = (dir: string) =>
    replayModels().find((m) => m.provider === 'replay' && m.release === dir)?.alias ?? dir;

  async function scoreGenerationFile(task: Task, file: GenerationFile): Promise<ScoreRow & { documents: DocScore[] }> {
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
      documents: scored.documents,
    };
  }

  /** The document a `run` request names, among those the provider can answer for. */
  function pickDocument(task: Task, provider: ModelProvider, req: RunRequest): Document<unknown> {
    const candidates =
      provider instanceof ReplayModel
        ? [...provider.requireGenerations(task, req.shot, TASKS).values()].flatMap((g) =>
            g.document ? [g.document] : [],
          )
        : evaluationDocuments(task, getRelease(), req.shot);
    if (req.doc === 'random') return candidates[Math.floor(random() * candidates.length)];
    const known = [...(task.loadDocuments(getRelease()) as Document<unknown>[]), ...candidates];
    const doc = findDocument(known, req.doc, task);
    if (req.shot === 'one' && task.oneShotExamples.includes(doc.id)) {
      throw new UserError(
        `${task.id} document ${doc.id} is the example inside the one-shot prompt, so it is not evaluated one-shot.`,
        'Try it with --shot zero, or pick another document.',
      );
    }
    if (!candidates.some((d) => d.id === doc.id)) {
      throw new UserError(
        `${provider.config.alias} (replay) has no released ${req.shot}-shot generation for ${task.id} document ${doc.id}.`,
        `Documents it has include: ${candidates
          .slice(0, 3)
          .map((d) => d.id)
          .join(', ')} (or use "random").`,
      );
    }
    return doc;
  }

  /** The per-document scores a run stored for a task, in document order. */
  async function storedScores(store: Store, runId: string, task: string): Promise<DocScore[]> {
    return (await store.documents(runId, task))
      .filter((d) => d.status === 'done')
      .sort((a, b) => a.doc_index - b.doc_index)
      .map((d) => JSON.parse(d.scores!) as DocScore);
  }

  /** Per-document scores of a model on a task, by document id: replayed files, else its latest stored run. */
  async function documentScores(alias: string, task: Task, shot: Shot): Promise<Map<string, DocScore>> {
    const model = findModel(alias, env);
    const provider = providerOf(model);
    if (provider instanceof ReplayModel) {
      const gens = [...provider.generations(task, shot)];
      const scores = await task.score(
        gens.map(([, g]) => ({ gold: g.gold, parsed: task.parse(g.output) as Parsed<unknown> })),
        ctx,
      );
      return new Map(gens.map(([id], i) => [id, scores[i]]));
    }
    const s = await getStore();
    const latest = (await s.scores())
      .filter(
        (r) =>
          r.model === model.alias &&
          r.task === task.id &&
          r.shot === shot &&
          r.status === 'finished' &&
          r.doc_limit === null,
      )
      .at(-1);
    if (!latest) return new Map();
    const docs = (await s.documents(latest.run_id, task.id)).filter((d) => d.status === 'done');
    return new Map(docs.map((d) => [d.doc_id, JSON.parse(d.scores!) as DocScore]));
  }

  async function runSummary(run: Run): Promise<RunSummary> {
    const s = await getStore();
    const [scores, docs] = await Promise.all([s.scores(run.id), s.documents(run.id)]);
    return {
      run,
      tasks: JSON.parse(run.tasks) as string[],
      scores: await Promise.all(
        scores.map(async (r) => ({
          task: r.task,
          n: r.n,
          failed: r.failed,
          parseFailures: r.parse_failures,
          score: r.score,
          metrics: JSON.parse(r.metrics) as Metrics,
          interval: scoreInterval(findTask(r.task), await storedScores(await getStore(), run.id, r.task)),
        })),
      ),
      documents: {
        done: docs.filter((d) => d.status === 'done').length,
        failed: docs.filter((d) => d.status === 'failed').length,
        cached: docs.filter((d) => d.cached === 1).length,
      },
      failures: docs
        .filter((d) => d.status === 'failed')
        .map((d) => ({ task: d.task, doc: d.doc_id, error: d.error ?? '' })),
    };
  }

  async function requireRun(id: string): Promise<Run> {
    const run = await (await getStore()).getRun(id);
    if (!run)
      throw new UserError(`No run "${id}".`, 'Check its id: `status` lists the runs under way.', {
        detail: `in ${(await getStore()).where}`,
        hint: 'See `jcb runs` for the stored runs.',
      });
    return run;
  }

  async function enqueue(cmd: EvalCommand): Promise<{ run: Run; jobs: number; documents: number }> {
    const tasks = tasksOf(cmd.task);
    const model = findModel(cmd.model, env);
    const provider = providerOf(model);
    const plan = planDocuments({ tasks, shot: cmd.shot, limit: cmd.limit }, provider, getRelease());
    if (plan.length === 0)
      throw new UserError(`${model.alias} has nothing to evaluate for ${cmd.task} (${cmd.shot}-shot).`);
    const q = getQueue();
    await ensureReachable(q, env);
    const s = await getStore();
    const run = await openRun(
      s,
      { tasks, shot: cmd.shot, limit: cmd.limit, runId: cmd.runId, startedBy: cmd.startedBy },
      provider,
      'queued',
    );
    await s.setPlanned(run.id, plan.length);
    const jobs: ChunkJob[] = [];
    const size = chunkSize(env);
    for (const task of tasks) {
      const ids = plan.filter((it) => it.task === task).map((it) => it.doc.id);
      for (let i = 0; i < ids.length; i += size) {
        jobs.push({
          runId: run.id,
          task: task.id,
          docIds: ids.slice(i, i + size),
          noCache: cmd.noCache ?? false,
        });
      }
    }
    // Job ids make a re-queued run (same id) add nothing twice.
    await Promise.all(jobs.map((job, i) => q.add('chunk', job, { jobId: `${run.id}:${job.task}:${i}` })));
    return { run: { ...run, planned: plan.length }, jobs: jobs.length, documents: plan.length };
  }

  return {
    tasks: () => TASKS.map((t) => ({ id: t.id, label: t.label, title: t.title, metric: t.metric, folder: t.folder })),

    models: () => {
      const release = hasRelease();
      return loadModels(env).map((m) => ({
        alias: m.alias,
        label: m.label,
        provider: m.provider,
        source:
          m.provider === 'replay'
            ? `release: ${m.release}`
            : m.provider === 'baseline'
              ? 'tasks/*.ts baselines'
              : `${m.model} @ ${m.baseUrl ?? 'api.openai.com'}`,
        ...availability(m, env, release),
      }));
    },

    addModel: (alias: string, entry: Record<string, unknown>) => addModel(alias, entry, env),

    async run(req: RunRequest): Promise<RunResult> {
      const task = findTask(req.task);
      const model = findModel(req.model, env);
      const provider = providerOf(model);
      const doc = pickDocument(task, provider, req);
      const prompt = provider instanceof ReplayModel ? '' : buildPrompt(getRelease(), task.folder, doc, req.shot);
      const generation = await provider.generate({ task, document: doc, shot: req.shot, prompt });
      const gold = generation.gold ?? doc.gold;
      const parsed = task.parse(generation.output) as Parsed<unknown>;
      const [docScore] = await task.score([{ gold, parsed }], ctx);
      const metrics = task.aggregate([docScore]);
      return {
        task: { id: task.id, label: task.label, title: task.title, metric: task.metric },
        model: { alias: model.alias, label: model.label, provider: model.provider },
        shot: req.shot,
        document: { id: doc.id, text: doc.text },
        gold: task.showGold(gold),
        output: generation.output,
        parse: { ok: parsed.ok, problem: parsed.problem, shown: task.showParsed(parsed) },
        comparison: task.compare?.(gold, parsed) ?? {
          kind: 'labels',
          gold: task.showGold(gold),
          predicted: task.showParsed(parsed),
        },
        metrics,
        score: task.headline(metrics),
      };
    },

    /** A model's answer to a user's own text (no gold, so no score). Only live models allowed free text. */
    async ask(req: AskRequest): Promise<AskResult> {
      const task = findTask(req.task);
      if (!task.documentFromText) {
        const open = TASKS.filter((t) => t.documentFromText).map((t) => t.id);
        throw new UserError(
          `${task.id} does not take free text (its input has several parts).`,
          `Tasks that do: ${open.join(', ')}.`,
        );
      }
      if (Array.from(req.text).length > MAX_FREE_TEXT) {
        throw new UserError(
          `The text is ${Array.from(req.text).length} characters long; the limit is ${MAX_FREE_TEXT}.`,
        );
      }
      const allowed = loadModels(env).filter((m) => m.provider !== 'replay' && m.provider !== 'baseline' && m.freeText);
      const alias = req.model ?? env.JCB_CHAT_MODEL ?? allowed[0]?.alias;
      const suggestion = allowed.length
        ? `Models allowed free text: ${allowed.map((m) => m.alias).join(', ')}.`
        : 'No model is allowed free text yet: set `freeText: true` on a live model in data/models.yml.';
      if (!alias) throw new UserError('No model may answer free text.', suggestion);
      const model = findModel(alias, env);
      if (model.provider === 'replay') {
        throw new UserError(
          `${model.alias} is replayed from the paper's outputs: it cannot answer new text.`,
          suggestion,
        );
      }
      if (model.provider !== 'baseline' && !model.freeText) {
        throw new UserError(
          `${model.alias} is not allowed free text: it would send it to ${model.baseUrl ?? 'api.openai.com'}.`,
          suggestion,
        );
      }
      const doc = task.documentFromText(req.text, getRelease()) as Document<unknown>;
      const provider = providerOf(model);
      const generation = await provider.generate({
        task,
        document: doc,
        shot: 'zero',
        prompt: buildPrompt(getRelease(), task.folder, doc, 'zero'),
      });
      const parsed = task.parse(generation.output) as Parsed<unknown>;
      return {
        task: { id: task.id, label: task.label, title: task.title },
        model: { alias: model.alias, label: model.label, provider: model.provider },
        output: generation.output,
        parse: { ok: parsed.ok, problem: parsed.problem, shown: task.showParsed(parsed) },
      };
    },

    /** Remembers who asked for a single-document run (App Home lists a person's recent ones). */
    async recordRequest(userId: string, origin: string, result: RunResult): Promise<void> {
      await (
        await getStore()
      ).recordRequest({
        user_id: userId,
        origin,
        task: result.task.id,
        model: result.model.alias,
        shot: result.shot,
        doc_id: result.document.id,
        score: result.score,
        created_at: new Date().toISOString(),
      });
    },

    recentRequests: async (userId: string, limit = 10) => (await getStore()).recentRequests(userId, limit),

    /** Scores a released-format generation file, or every file of a generated/ tree. */
    async score(target?: string): Promise<ScoreRow[]> {
      const root = path.resolve(target ?? path.join(getRelease().root, 'data', 'generated'));
      if (!existsSync(root)) throw new UserError(`No such file or folder: ${target}.`);
      let files: GenerationFile[];
      if (statSync(root).isDirectory()) {
        files = listGenerationFiles(root, resultsRootOf(root));
        if (files.length === 0) {
          throw new UserError(
            `${root} holds no generation files.`,
            "Expected <group>/<TASK>/<model>/<shot>.json, as in the release's data/generated.",
          );
        }
      } else {
        const [group, folder, modelDir, file] = root.split(path.sep).slice(-4);
        const name = file.replace(/\.json$/, '');
        const results = path.join(
          resultsRootOf(path.resolve(root, '..', '..', '..', '..')),
          group,
          folder,
          modelDir,
          file,
        );
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

    /** Table 4 from the replayed generations (`paper`), or from the latest stored run of each model (`runs`). */
    async leaderboard(shot: Shot, source: 'paper' | 'runs' = 'paper'): Promise<Leaderboard> {
      const columns = TASKS.map((t) => ({ id: t.id, label: t.label }));
      if (source === 'runs') {
        // The latest finished run of each model and setting; a run on every document outranks a --limit one.
        const latest = new Map<string, { score: number; run: string; limited: boolean }>();
        for (const s of await (await getStore()).scores()) {
          if (s.shot !== shot || s.status !== 'finished') continue;
          const key = `${s.model}\u0000${s.task}`;
          const limited = s.doc_limit !== null;
          if (!limited || latest.get(key)?.limited !== false)
            latest.set(key, { score: s.score, run: s.run_id, limited });
        }
        const models = [...new Set([...latest.keys()].map((k) => k.split('\u0000')[0]))];
        const known = new Map(loadModels(env).map((m) => [m.alias, m]));
        const store = await getStore();
        const rows = await Promise.all(
          models.map(async (model): Promise<LeaderboardRow> => {
            const cells = TASKS.map((t) => latest.get(`${model}\u0000${t.id}`));
            const config = known.get(model);
            const intervals = await Promise.all(
              cells.map(async (c, i) =>
                c ? scoreInterval(TASKS[i], await storedScores(store, c.run, TASKS[i].id)) : null,
              ),
            );
            return {
              model,
              label: config?.label ?? model,
              provider: config?.provider ?? 'openai-compatible',
              cells: cells.map((c) => c?.score ?? null),
              runs: cells.map((c) => c?.run ?? null),
              intervals,
            };
          }),
        );
        return { shot, source, columns, rows };
      }
      // The paper's board depends only on the release: computed once per shot.
      const memo = paperBoards.get(shot);
      if (memo) return memo;
      getTokenizer().warm();
      const rows = replayModels().map(async (model): Promise<LeaderboardRow> => {
        const replay = providerOf(model) as ReplayModel;
        const scored = await Promise.all(
          TASKS.map(async (task) => {
            const file = replay.file(task, shot);
            return file ? await scoreGenerationFile(task, file) : null;
          }),
        );
        return {
          model: model.alias,
          label: model.label,
          provider: model.provider,
          cells: scored.map((c) => c?.score ?? null),
          intervals: scored.map((c, i) => (c ? scoreInterval(TASKS[i], c.documents) : null)),
        };
      });
      const board: Leaderboard = { shot, source, columns, rows: await Promise.all(rows) };
      paperBoards.set(shot, board);
      return board;
    },

    /** A full evaluation, stored document by document; resumable with the run id. */
    async evaluate(cmd: EvalCommand, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<EvalResult> {
      const tasks = tasksOf(cmd.task);
      const model = findModel(cmd.model, env);
      const provider = providerOf(model);
      if (provider instanceof ReplayModel) {
        const missing = tasks.filter((t) => !provider.file(t, cmd.shot));
        if (missing.length === tasks.length) provider.requireGenerations(tasks[0], cmd.shot, TASKS);
      }
      return evaluate(
        {
          tasks,
          shot: cmd.shot,
          limit: cmd.limit,
          concurrency: cmd.concurrency,
          runId: cmd.runId,
          noCache: cmd.noCache,
          startedBy: cmd.startedBy,
        },
        { store: await getStore(), provider, release: getRelease(), scoring: ctx, onProgress, signal },
      );
    },

    async runs(): Promise<RunSummary[]> {
      const runs = await (await getStore()).listRuns();
      return Promise.all(runs.map(runSummary));
    },

    show: async (id: string) => runSummary(await requireRun(id)),
    /** A stored run, or undefined. */
    findRun: async (id: string) => (await getStore()).getRun(id),

    /** Writes a run in the release's layout under `dir`; `jcb score <dir>/generated` re-scores it. */
    async exportRun(id: string, dir: string): Promise<string[]> {
      const run = await requireRun(id);
      const s = await getStore();
      const [rows, scores] = await Promise.all([s.documents(run.id), s.scores(run.id)]);
      const model = findModel(run.model, env);
      const provider = providerOf(model);
      const tasks = (JSON.parse(run.tasks) as string[]).map(findTask).map((task) => {
        const docs = planDocuments({ tasks: [task], shot: run.shot as Shot }, provider, getRelease()).map((i) => i.doc);
        return {
          task,
          rows: rows.filter((r) => r.task === task.id),
          score: scores.find((x) => x.task === task.id),
          documents: new Map(docs.map((d) => [d.id, d])),
        };
      });
      return exportRun(path.resolve(dir), { run, tasks });
    },

    /** Creates a run and queues its documents in jobs for the workers; answers at once. */
    enqueueEvaluation: enqueue,

    /** Where a run stands: documents done and failed, time so far and left, scores once finished. */
    async status(id?: string): Promise<RunProgress[]> {
      const s = await getStore();
      const runs = id
        ? [await requireRun(id)]
        : (await s.listRuns(20)).filter((r) => r.status !== 'finished').slice(0, 5);
      return Promise.all(
        runs.map(async (run): Promise<RunProgress> => {
          const { done, failed } = await s.progress(run.id);
          const elapsedMs =
            (run.status === 'finished' ? Date.parse(run.updated_at) : Date.now()) - Date.parse(run.created_at);
          const left = run.planned === null ? undefined : run.planned - done - failed;
          const summary = await runSummary(run);
          return {
            run,
            planned: run.planned,
            done,
            failed,
            elapsedMs,
            etaMs: left !== undefined && done + failed > 0 ? (elapsedMs / (done + failed)) * left : undefined,
            scores: summary.scores,
            previous: Object.fromEntries(await s.previousScores(run.model, run.shot, run.created_at, run.doc_limit)),
          };
        }),
      );
    },

    /** Stops a queued run: its waiting jobs are removed, running ones stop; finished documents stay. */
    async cancel(id: string): Promise<{ run: Run; removedJobs: number; heldJobs: number }> {
      const run = await requireRun(id);
      const s = await getStore();
      const cancelled =
        (await s.transition(run.id, 'queued', 'cancelled')) || (await s.transition(run.id, 'running', 'cancelled'));
      if (!cancelled) throw new UserError(`Run ${id} is ${run.status}: only queued or running runs can be cancelled.`);
      let jobs = { removed: 0, held: 0 };
      if (run.planned !== null) {
        await ensureReachable(getQueue(), env);
        jobs = await removeWaitingJobs(getQueue(), run.id);
      }
      return { run: { ...run, status: 'cancelled' }, removedJobs: jobs.removed, heldJobs: jobs.held };
    },

    /** Takes evaluation jobs until closed (`jcb worker`; any number, on any machine sharing Redis and the store). */
    async startWorker(concurrency = 2, log?: (m: string) => void): Promise<void> {
      await startWorker(
        {
          queue: getQueue(),
          store: getStore,
          providerFor: (alias) => providerOf(findModel(alias, env)),
          release: getRelease,
          scoring: ctx,
          log,
        },
        concurrency,
      );
    },

    /** Remembers where a run's progress is shown (e.g. a Slack message), until it ends. */
    watch: async (runId: string, target: string, messageId: string) =>
      (await getStore()).notify(runId, target, messageId),
    watched: async (prefix: string) => (await getStore()).openNotifications(prefix),
    unwatch: async (runId: string) => (await getStore()).closeNotification(runId),

    schedules: () => loadSchedules(env),

    /** A rater's 1–5 judgement of an output on some criteria (a second one replaces the first), or a comment. */
    async rate(rater: string, output: RatedOutput, values: Partial<Record<Criterion, number>> & { comment?: string }) {
      for (const [k, v] of Object.entries(values)) {
        if (k !== 'comment' && (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 5)) {
          throw new UserError(`${k} must be a whole number from 1 to 5, not ${v}.`);
        }
      }
      await (
        await getStore()
      ).rate({ rater, task: output.task, model: output.model, doc_id: output.doc, output_hash: output.hash }, values);
    },

    /** The replayed model whose output (for a task and document) has this hash: blind batches hide it. */
    async modelOfOutput(o: Pick<RatedOutput, 'task' | 'doc' | 'hash'>): Promise<string> {
      const t = findTask(o.task);
      const model = replayModels().find((m) => {
        const g = (providerOf(m) as ReplayModel).generations(t, 'one').get(o.doc);
        return g !== undefined && outputHash(g.output) === o.hash;
      });
      if (!model) throw new UserError('That output is no longer among the replayed ones; start a new batch.');
      return model.alias;
    },

    /** Scores a run's generated texts with an LLM judge (JCB_JUDGE_MODEL, or `judgeAlias`), stored beside ROUGE-L. */
    async judgeRun(runId: string, judgeAlias?: string): Promise<{ judged: number; judge: string; rubric: string }> {
      const run = await requireRun(runId);
      const alias = judgeAlias ?? env.JCB_JUDGE_MODEL;
      if (!alias)
        throw new UserError(
          'No judge model.',
          'Pass --judge <alias> or set JCB_JUDGE_MODEL to a live model of data/models.yml.',
        );
      const judgeModel = findModel(alias, env);
      if (judgeModel.provider === 'replay') throw new UserError(`${alias} is replayed: a judge must be a live model.`);
      const provider = providerOf(judgeModel);
      const s = await getStore();
      let judged = 0;
      for (const taskId of (JSON.parse(run.tasks) as string[]).filter((t) => RATED_TASKS.includes(t))) {
        const task = findTask(taskId);
        const docs = new Map(
          planDocuments(
            { tasks: [task], shot: run.shot as Shot },
            providerOf(findModel(run.model, env)),
            getRelease(),
          ).map((i) => [i.doc.id, i.doc]),
        );
        for (const d of (await s.documents(run.id, taskId)).filter((x) => x.status === 'done')) {
          const scores = await judge(
            provider,
            task,
            docs.get(d.doc_id)?.text ?? '',
            String(JSON.parse(d.gold!)),
            d.output ?? '',
          );
          await s.saveJudgement({
            run_id: run.id,
            task: taskId,
            doc_id: d.doc_id,
            judge: judgeModel.alias,
            rubric: RUBRIC_VERSION,
            ...scores,
          });
          judged++;
        }
      }
      return { judged, judge: judgeModel.alias, rubric: RUBRIC_VERSION };
    },

    /**
     * How well the judge and ROUGE-L follow the human ratings: Spearman's correlation per criterion over
     * the rated outputs that a stored run also judged and scored.
     */
    async correlate(
      task?: string,
    ): Promise<Record<Criterion, { judge: number | null; rougeL: number | null; n: number }>> {
      const s = await getStore();
      const ratings = await s.ratings(task);
      const judgements = await s.judgements();
      const runs = new Map((await s.listRuns(1000)).map((r) => [r.id, r]));
      const pairs = Object.fromEntries(
        CRITERIA.map((c) => [c, { human: [] as number[], judge: [] as number[], rouge: [] as number[] }]),
      );
      for (const j of judgements) {
        const run = runs.get(j.run_id);
        if (!run || (task && j.task !== task)) continue;
        const [doc] = (await s.documents(j.run_id, j.task)).filter((d) => d.doc_id === j.doc_id);
        if (!doc || doc.output === null) continue;
        const hash = outputHash(doc.output);
        const human = ratings.filter(
          (r) => r.task === j.task && r.model === run.model && r.doc_id === j.doc_id && r.output_hash === hash,
        );
        const rouge = (JSON.parse(doc.scores!) as DocScore).f1;
        for (const c of CRITERIA) {
          const values = human.flatMap((r) => (r[c] === null ? [] : [r[c]!]));
          if (values.length === 0 || j[c] === null) continue;
          pairs[c].human.push(values.reduce((a, b) => a + b, 0) / values.length);
          pairs[c].judge.push(j[c]!);
          pairs[c].rouge.push(rouge);
        }
      }
      return Object.fromEntries(
        CRITERIA.map((c) => [
          c,
          {
            judge: spearman(pairs[c].human, pairs[c].judge),
            rougeL: spearman(pairs[c].human, pairs[c].rouge),
            n: pairs[c].human.length,
          },
        ]),
      ) as Record<Criterion, { judge: number | null; rougeL: number | null; n: number }>;
    },

    /** Table 6: mean ratings and their number per setting (and model), with Krippendorff's alpha. */
    ratings: async (task?: string, byModel = false) =>
      ratingsReport(await getStore(), task ? findTask(task).id : undefined, byModel),

    /**
     * The next output for a rater to judge blind: a replayed model's output of a generation setting that
     * this rater has not rated yet, the model's name kept apart.
     */
    async nextToRate(
      rater: string,
      task: string,
    ): Promise<(RatedOutput & { text: string; gold: string; output: string }) | null> {
      const t = findTask(task);
      if (!RATED_TASKS.includes(t.id))
        throw new UserError(
          `${t.id} is not rated: its outputs are not free text.`,
          `Rated settings: ${RATED_TASKS.join(', ')}.`,
        );
      const mine = new Set(
        (await (await getStore()).ratings(t.id))
          .filter((r) => r.rater === rater)
          .map((r) => `${r.model}\u0000${r.doc_id}\u0000${r.output_hash}`),
      );
      const candidates = replayModels().flatMap((m) =>
        [...(providerOf(m) as ReplayModel).generations(t, 'one')].map(([doc, g]) => ({ model: m.alias, doc, g })),
      );
      const open = candidates.filter((c) => !mine.has(`${c.model}\u0000${c.doc}\u0000${outputHash(c.g.output)}`));
      if (open.length === 0) return null;
      const pick = open[Math.floor(random() * open.length)];
      return {
        task: t.id,
        model: pick.model,
        doc: pick.doc,
        hash: outputHash(pick.g.output),
        text: pick.g.document?.text ?? '',
        gold: String(pick.g.gold),
        output: pick.g.output,
      };
    },

    /**
     * Two models on the documents both have, setting by setting: scores, the difference, its 95 %
     * paired-bootstrap interval, and whether it is significant (the interval excludes 0).
     */
    async compare(a: string, b: string, task?: string, shot: Shot = 'one'): Promise<ModelComparison[]> {
      const tasks = task ? tasksOf(task) : [...TASKS];
      const out: ModelComparison[] = [];
      for (const t of tasks) {
        const [sa, sb] = await Promise.all([documentScores(a, t, shot), documentScores(b, t, shot)]);
        const shared = [...sa.keys()].filter((id) => sb.has(id));
        if (shared.length === 0) {
          out.push({ task: t.id, documents: 0, result: null });
          continue;
        }
        const result = pairedBootstrap(
          t,
          shared.map((id) => sa.get(id)!),
          shared.map((id) => sb.get(id)!),
        );
        out.push({ task: t.id, documents: shared.length, result });
      }
      return out;
    },

    /** Table 4 as a PNG chart. */
    leaderboardChart: (board: Leaderboard) => leaderboardPng(board),

    /** A schedule's digest now: the latest scores of its models and settings, with the change since the last digest. */
    async digest(name?: string): Promise<Digest[]> {
      const all = loadSchedules(env);
      const chosen = name ? all.filter((s) => s.name === name) : all;
      if (name && chosen.length === 0) {
        throw new UserError(
          `No schedule "${name}".`,
          `Schedules: ${all.map((s) => s.name).join(', ') || '(none in data/schedules.yml)'}.`,
        );
      }
      const s = await getStore();
      const scores = await s.scores();
      return Promise.all(
        chosen.map(async (sc): Promise<Digest> => {
          const tasks = sc.tasks === 'all' ? TASKS.map((t) => t.id) : sc.tasks;
          const latest = new Map<string, { score: number; run: string }>();
          for (const r of scores) {
            if (r.shot === sc.shot && r.status === 'finished' && r.doc_limit === null && sc.models.includes(r.model)) {
              latest.set(`${r.model}\u0000${r.task}`, { score: r.score, run: r.run_id });
            }
          }
          const last = await s.lastDigest(sc.name);
          const before = last ? (JSON.parse(last.scores) as Record<string, Record<string, number>>) : {};
          const rows = await Promise.all(
            sc.models.flatMap((model) =>
              tasks.map(async (task): Promise<DigestRow> => {
                const now = latest.get(`${model}\u0000${task}`);
                const previous = before[model]?.[task] ?? null;
                return {
                  model,
                  task,
                  score: now?.score ?? null,
                  previous,
                  regression: now !== undefined && previous !== null && previous - now.score > sc.regression,
                  run: now?.run ?? null,
                  interval: now ? scoreInterval(findTask(task), await storedScores(s, now.run, task)) : null,
                };
              }),
            ),
          );
          const failedRuns = [];
          for (const run of await s.runsSince(sc.models, last?.posted_at ?? '')) {
            const { failed } = await s.progress(run.id);
            if (run.status === 'cancelled' || run.status === 'interrupted' || failed > 0) {
              failedRuns.push({ run: run.id, model: run.model, status: run.status, failed });
            }
          }
          const reported: Record<string, Record<string, number>> = {};
          for (const r of rows) if (r.score !== null) (reported[r.model] ??= {})[r.task] = r.score;
          await s.saveDigest(sc.name, JSON.stringify(reported));
          return {
            schedule: sc.name,
            channel: sc.channel,
            shot: sc.shot,
            since: last?.posted_at ?? null,
            rows,
            failedRuns,
          };
        }),
      );
    },

    /**
     * Installs the schedules as repeatable jobs and runs them when they fire: each fire queues the
     * schedule's evaluations and hands their run ids to `onFire` (the bot watches them for the digest).
     */
    async startScheduler(
      onFire: (schedule: string, runIds: string[]) => Promise<void>,
    ): Promise<{ added: number; removed: number }> {
      const q = (scheduleQueue ??= openScheduleQueue(env));
      await ensureReachable(q, env);
      const installed = await installSchedules(q, loadSchedules(env));
      q.process('schedule', 1, async (job) => {
        const sc = loadSchedules(env).find((x) => x.name === (job.data as unknown as ScheduleJob).schedule);
        if (!sc) return;
        const runIds: string[] = [];
        for (const model of sc.models) {
          const task = sc.tasks === 'all' ? 'all' : sc.tasks.join(',');
          runIds.push((await enqueue({ task, model, shot: sc.shot })).run.id);
        }
        await onFire(sc.name, runIds);
      }).catch(() => {});
      return installed;
    },

    storeLocation: async () => (await getStore()).where,

    /** What the release holds per setting and model, and what does not fit. */
    checkData: () => checkRelease(getRelease()),

    pullData: (dir?: string) => pullRelease(dir, env),

    release: getRelease,

    async close() {
      await tokenizer?.close();
      // Closing fails only if the connection is already gone, which is what closing wants.
      await queue?.close().catch(() => {});
      await scheduleQueue?.close().catch(() => {});
      if (store) await (await store).close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
