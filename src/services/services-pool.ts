// The services' worker-thread pool (src/base/pool.ts over pool-worker.ts): made by the context on first use, or
// started by a command before it loads the rest of jcb (`jcb score`: its thread loads the scorers while this one
// loads the services, ~0.2 s of a 1.5 s command; issue 28).
import path from 'node:path';
import { createPool, poolSize, type Pool } from '../base/pool.js';
import { collectGarbage } from '../base/idle-collect.js';
import { forgetIpadic, loadIpadic } from '../metrics/tokenizer/ipadic.js';

/** A pool thread idle this long ends (its memory with it); the next work starts a new one in ~0.1 s. */
const THREAD_IDLE_MS = 30_000;
/**
 * A thread that drew a chart or scored files ends this long after its last task, not THREAD_IDLE_MS: Vega and
 * resvg (~40 MB in the thread, ~0.4 s of its CPU to load), the task registry, its scorers and the files' garbage
 * (~45 MB after the leaderboard's scoring) are not kept for work that comes a few times a day; work asked
 * together shares one load. A thread that only tokenized (`/jcb run`) stays warm for the next run.
 */
const HEAVY_THREAD_IDLE_MS = 5_000;

/** What a pool thread reads (pool-worker.ts threadData). */
export interface PoolThreadData {
  env: NodeJS.ProcessEnv;
  /** The warm task loads the scorers too (a thread started for `jcb score`). */
  warmScorers?: boolean;
}

/**
 * The pool of `threads` threads over `env` (`threads` > 0). `heavyThreadIdleMs`: how long a thread stays after a
 * chart or a scoring of files (default HEAVY_THREAD_IDLE_MS).
 */
export function createServicesPool(
  env: NodeJS.ProcessEnv,
  threads: number,
  options: { heavyThreadIdleMs?: number; warmScorers?: boolean } = {},
): Pool {
  // The entry beside this module, in the form this module runs from (.ts under tsx and vitest, .js built).
  const entry = new URL(`./pool-worker${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url);
  const heavy = options.heavyThreadIdleMs ?? HEAVY_THREAD_IDLE_MS;
  const data: PoolThreadData = { env: { ...env }, warmScorers: options.warmScorers };
  // One thread warms at start; the others start when work needs them, and any ends after a while idle, giving
  // back what it loaded (a chart renderer, the detector's dictionary). The tokenizer's dictionary is one
  // copy in shared memory, loaded here and handed to every thread.
  return createPool(entry, {
    size: threads,
    data,
    warmTask: 'warm',
    warmThreads: 1,
    idleMs: THREAD_IDLE_MS,
    // A thread that drew a chart or scored files ends seconds after, not 30 s after its last work.
    heavyTasks: { chart: heavy, scoreFiles: heavy },
    shared: { ipadic: loadIpadic },
    // Once every thread has ended idle, the dictionary goes too (18 MB of an idle bot; read again in ~10 ms),
    // collected now: an idle process allocates nothing that would have V8 collect it.
    onIdle: () => {
      forgetIpadic();
      collectGarbage();
    },
    // A 4 MB young generation: a scoring thread's garbage is short-lived (texts, lattices), and V8's default
    // lets each thread hold ~30 MB more between collections (`jcb score --json`: 316 → 268 MB peak RSS).
    // A 512 MB old generation (a thread past it fails its job with ERR_WORKER_OUT_OF_MEMORY; the largest use,
    // a chart, takes ~70 MB): V8 lets the old generation grow further past its live size the larger this
    // maximum (4 GB by default; 64, 256 and 512 MB measured alike), so a parsed file's rows and a task's
    // tokens are collected at ~23 MB, not ~45 (`jcb score --json`: 223–226 → 200 MB, same CPU, load 7–11).
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 512 },
  });
}

let early: { env: NodeJS.ProcessEnv; pool: Pool } | undefined;

/**
 * Starts the pool `env`'s services will use, its first thread warming the tokenizer and the scorers, before the
 * caller loads the services (a command that scores files at once: `jcb score`). Nothing with JCB_THREADS=0.
 */
export function startPoolEarly(env: NodeJS.ProcessEnv): void {
  const threads = poolSize(env);
  if (early || threads === 0) return;
  early = { env, pool: createServicesPool(env, threads, { warmScorers: true }) };
  void early.pool.warm();
}

/** The pool startPoolEarly started for `env` (the same object), handed over once; undefined otherwise. */
export function takeEarlyPool(env: NodeJS.ProcessEnv): Pool | undefined {
  if (early?.env !== env) return undefined;
  const { pool } = early;
  early = undefined;
  return pool;
}

/** Closes an early pool no services took (a command refused before its services were made). */
export async function closeEarlyPool(): Promise<void> {
  const pool = early?.pool;
  early = undefined;
  await pool?.close();
}
