// The shared context of the service modules: what several capabilities need, each opened lazily, once.
import type Queue from 'bull';
import { UserError } from '../base/errors.js';
import { coalesced, poolSize, type Pool } from '../base/pool.js';
import { findTask, knownTask, UNLOADED_NOTE } from '../evaluation/documents.js';
import { createRougeTokenizer, keeps, type Keep, type RougeTokenizer } from '../metrics/tokenizer/index.js';
import { createProvider } from '../models/index.js';
import { ProviderError, type ModelProvider } from '../models/provider.js';
import { failureCause } from '../evaluation/failure-cause.js';
import { loadModels, type ModelConfig } from '../models/registry.js';
import { loadBull, openEvalQueue, openScheduleQueue, type ChunkJob } from '../queue/eval-queue.js';
import { refuseRefused } from '../queue/redis-probe.js';
import type { Detector } from '../privacy/detect.js';
import { configuredDetector } from '../privacy/facility-list.js';
import { Release } from '../release/release.js';
import { releaseLocation } from '../release/locate.js';
import { Store, type Run } from '../store/store.js';
import type { ScoringContext, Task } from '../tasks/types.js';
import { TASKS, useTaskFiles } from '../../tasks/index.js';
import { createServicesPool, takeEarlyPool } from './services-pool.js';

export interface ServicesOptions {
  env?: NodeJS.ProcessEnv;
  tokenizer?: RougeTokenizer;
  random?: () => number;
  /** Backoff base for live providers (tests shorten it). */
  retryBaseDelayMs?: number;
  /** The personal-information detector (default: IPADIC rules and JCB_FACILITIES); tests inject failing ones. */
  detector?: Detector;
  /** Worker threads for charts, detection and scoring files (default: `poolSize`); 0 does it all in this thread. */
  threads?: number;
  /** How long a thread stays after a chart or a scoring of files (ms; default HEAVY_THREAD_IDLE_MS). */
  heavyThreadIdleMs?: number;
}

export interface ServiceContext {
  env: NodeJS.ProcessEnv;
  /** Uniform in [0, 1): which random document or output is picked (tests fix it). */
  random: () => number;
  /**
   * The release (checked whole; UserError without one). With `tasks` that are all declared (task files), which
   * read their own files, the release is not needed: an unchecked handle is returned instead.
   */
  release(tasks?: readonly Task[]): Release;
  /** Whether JCB_DATA_DIR (or the default) holds a readable release. */
  hasRelease(): boolean;
  tokenizer(): RougeTokenizer;
  store(): Promise<Store>;
  /** The evaluation queue of this store (named after the store's id, so stores sharing a Redis stay apart). */
  queue(): Promise<Queue.Queue<ChunkJob>>;
  /** The schedule queue of this store (see openScheduleQueue). */
  scheduleQueue(): Promise<Queue.Queue>;
  /** One provider per model alias, kept for the life of the services (replayed files are read once). */
  providerOf(model: ModelConfig): ModelProvider;
  /** The models of data/models.yml replayed from the release. */
  replayModels(): ModelConfig[];
  scoring: ScoringContext;
  /** The personal-information detector every path that sends or checks free text uses. */
  detect: Detector;
  /**
   * The worker-thread pool for CPU-bound work (charts, detection, scoring files), started on first use;
   * undefined with `threads: 0`.
   */
  pool(): Pool | undefined;
  /** Something to stop on close (a timer). */
  onClose(stop: () => void): void;
  /** Releases what was opened: tokenizer threads, queue connections, the store. */
  close(): Promise<void>;
}

export function createContext(options: ServicesOptions = {}): ServiceContext {
  const env = options.env ?? process.env;
  useTaskFiles(env);
  let release: Release | undefined;
  let tokenizer = options.tokenizer;
  let store: Promise<Store> | undefined;
  let queue: Promise<Queue.Queue<ChunkJob>> | undefined;
  const stops: (() => void)[] = [];
  let scheduleQueue: Promise<Queue.Queue> | undefined;
  // A store (or queue) that failed to open is opened again by the next call: a bot or worker started while
  // PostgreSQL was down answered "store unavailable" for ever after it came back (breaker-pg).
  const forgotten = <T>(opening: Promise<T>, forget: () => void): Promise<T> => {
    opening.catch(() => forget());
    return opening;
  };
  const openStore = (): Promise<Store> => {
    const opening: Promise<Store> = forgotten(Store.open(env), () => {
      if (store === opening) store = undefined;
    });
    return opening;
  };
  const providers = new Map<string, ModelProvider>();
  const getRelease = () => (release ??= Release.fromEnv(env));
  const getTokenizer = () => (tokenizer ??= createRougeTokenizer());
  const threads = options.threads ?? poolSize(env);
  let pool: Pool | undefined;
  const getPool = () => {
    if (threads === 0 || pool) return pool;
    return (pool =
      takeEarlyPool(env) ?? createServicesPool(env, threads, { heavyThreadIdleMs: options.heavyThreadIdleMs }));
  };
  // Concurrent requests' texts go to the pool together, at most one batch a thread at a time; each text with its
  // caller's `keep` (the thread's cache holds gold texts, not outputs).
  const tokenizeOnPool = coalesced(
    (items: { text: string; keep: boolean }[]) =>
      getPool()!.run<string[][]>('tokenize', [items.map((it) => it.text), items.map((it) => it.keep)]),
    () => getPool()!.size,
  );
  return {
    env,
    random: options.random ?? Math.random,
    release: (tasks) =>
      tasks?.length && tasks.every((t) => t.origin) ? new Release(releaseLocation(env).dir) : getRelease(),
    hasRelease() {
      try {
        getRelease();
        return true;
      } catch {
        return false;
      }
    },
    tokenizer: getTokenizer,
    store: () => (store ??= openStore()),
    // Bull loads in slices first (loadBull): the bot opens both queues at start, beside its first requests.
    queue: () =>
      (queue ??= forgotten(
        (store ??= openStore()).then(async (s) => {
          await Promise.all([loadBull(), refuseRefused(env)]);
          return openEvalQueue(env, await s.id());
        }),
        () => (queue = undefined),
      )),
    onClose: (stop) => void stops.push(stop),
    scheduleQueue: () =>
      (scheduleQueue ??= forgotten(
        (store ??= openStore()).then(async (s) => {
          await Promise.all([loadBull(), refuseRefused(env)]);
          return openScheduleQueue(env, await s.id());
        }),
        () => (scheduleQueue = undefined),
      )),
    providerOf(model) {
      if (!providers.has(model.alias)) {
        providers.set(
          model.alias,
          createProvider(model, { release: getRelease, env, retryBaseDelayMs: options.retryBaseDelayMs }),
        );
      }
      return providers.get(model.alias)!;
    },
    replayModels: () => loadModels(env).filter((m) => m.provider === 'replay'),
    // Tokenizing loads an 18 MB dictionary and takes milliseconds a text: on the pool when there is one.
    scoring: {
      tokenize: (texts: readonly string[], keep: Keep = true) =>
        options.tokenizer || threads === 0
          ? getTokenizer().tokenize(texts, keep)
          : tokenizeOnPool(texts.map((text, i) => ({ text, keep: keeps(keep, i) }))),
    },
    detect:
      options.detector ??
      (threads === 0
        ? configuredDetector(env)
        : (text) => getPool()!.run<Awaited<ReturnType<Detector>>>('detect', [text])),
    pool: getPool,
    async close() {
      for (const stop of stops.splice(0)) stop();
      await tokenizer?.close();
      await pool?.close();
      // Closing fails only if the connection is already gone, which is what closing wants.
      await queue?.then((q) => q.close()).catch(() => {});
      await scheduleQueue?.then((q) => q.close()).catch(() => {});
      // A store that never opened has nothing to close (its error was reported where it was needed).
      await store?.then(
        (s) => s.close(),
        () => {},
      );
    },
  };
}

/** The tasks a `--task` value names: `all`, or ids/labels separated by commas. Unknown ones throw UserError. */
export function tasksOf(spec: string): Task[] {
  return spec.toLowerCase() === 'all' ? [...TASKS] : spec.split(',').map((t) => findTask(t.trim()));
}

/**
 * tasksOf for `eval … --run <id>`: a task of the stored run that is not declared here is said to be one whose task
 * file is not loaded here (UNLOADED_NOTE, the operator's fix per face), not an unknown task. Other names as tasksOf.
 * @throws UserError
 */
export async function tasksToResume(ctx: Pick<ServiceContext, 'store'>, spec: string, runId?: string): Promise<Task[]> {
  try {
    return tasksOf(spec);
  } catch (err) {
    const run = runId ? await (await ctx.store()).getRun(runId) : undefined;
    const named = spec.split(',').map((t) => t.trim().toLowerCase());
    const missing = run && (JSON.parse(run.tasks) as string[]).find((id) => named.includes(id) && !knownTask(id));
    if (!missing) throw err;
    throw new UserError(`Run ${run.id}'s task ${missing}: ${UNLOADED_NOTE}.`);
  }
}

/** The task argument of `eval` for a run's task ids: `all`, or the ids joined by commas (see tasksOf). */
export function taskSpec(ids: readonly string[]): string {
  return ids.join(',') === TASKS.map((t) => t.id).join(',') ? 'all' : ids.join(',');
}

/**
 * `work` (a live model's generation), with a failure after the provider's retries said in one line naming the
 * model: the user's to fix (key, URL, server), not an unexpected error.
 */
export function sayingProviderFailure<T>(alias: string, work: Promise<T>): Promise<T> {
  return work.catch((err: unknown) => {
    if (!(err instanceof ProviderError)) throw err;
    throw new UserError(`${alias}: ${failureCause(err.message, 'kept')}`);
  });
}

/** A stored run by id; UserError naming the store if there is none. */
export async function requireRun(ctx: ServiceContext, id: string): Promise<Run> {
  const store = await ctx.store();
  const run = await store.getRun(id);
  if (!run)
    throw new UserError(`No run "${id}".`, 'Check its id: `/jcb status --all` lists the latest runs.', {
      detail: `in ${store.where}`,
      hint: 'See `jcb runs` for the stored runs.',
    });
  return run;
}

/**
 * What limits a stored run's documents: a replay's provider (ModelProvider.documents); for a live model nothing,
 * so that reading what was stored (show, export, compare, status) needs no API key and calls no model.
 */
export function documentsSource(ctx: ServiceContext, model: ModelConfig): Pick<ModelProvider, 'documents'> {
  return model.provider === 'replay' ? ctx.providerOf(model) : {};
}
