// A pool of worker threads for CPU-bound work (chart rendering, personal-information detection, scoring
// files), so that the bot's event loop stays free to acknowledge Slack within its 3 s (issue 28; Slack's Bolt
// guidance: ack first, work after). Written on node:worker_threads: piscina would be the library choice, but it
// is not a dependency, and the few things needed here (a FIFO queue, one task per thread, warm-up, errors
// carried back whole) fit in this module.
import os from 'node:os';
import { parentPort, Worker, workerData, type WorkerOptions } from 'node:worker_threads';
import { UserError } from './errors.js';
import { keepHeapSetting } from './lean-heap.js';
import { idleCollector } from './idle-collect.js';

/** Named functions a thread serves; arguments and results cross by structured clone. */
export type TaskTable = Record<string, (...args: never[]) => unknown>;

export interface PoolOptions {
  /** Threads; default `poolSize()`. */
  size?: number;
  /** Handed to each thread as `workerData` (e.g. the environment it reads settings from). */
  data?: unknown;
  /** The task `warm()` has each idle thread run (fonts, dictionaries, renderers); a command that needs one thing skips it. */
  warmTask?: string;
  /** Threads `warm()` starts (default: all of them); the others start when work needs them. */
  warmThreads?: number;
  /** A thread idle this long (ms) ends, and its memory with it; a new one starts when work comes. Default: never. */
  idleMs?: number;
  /** Tasks that load much for rare use (a chart renderer): a thread that ran one ends this long (ms) idle instead. */
  heavyTasks?: Record<string, number>;
  /**
   * Called when the last thread has ended idle. The pool then holds no shared table either (the next thread's ask
   * loads it again): a caller drops here what it kept only for the threads (e.g. a loader's memo of the table).
   */
  onIdle?: () => void;
  /**
   * Large tables loaded once, in this thread, and handed to every thread that asks (`sharedTable`): typed arrays
   * over SharedArrayBuffers cross without a copy, so N threads hold one copy, not N.
   */
  shared?: Record<string, () => Promise<unknown>>;
  /** Each thread's V8 limits (e.g. a small young generation: less memory held between collections). */
  resourceLimits?: WorkerOptions['resourceLimits'];
}

export interface Pool {
  readonly size: number;
  /** Runs `task` on the first free thread (FIFO); rejects with the thread's error (a UserError stays one). */
  run<T>(task: string, args?: unknown[]): Promise<T>;
  /**
   * Starts every thread and has each idle one run the warm task; resolves once they are done (true when every
   * thread warmed, false when one failed or the pool closed first), never rejects.
   */
  warm(): Promise<boolean>;
  /** Tasks waiting or running. */
  pending(): number;
  /** Threads alive (until their exit: their memory then gone); with `task`, those that ran it (hold what it loaded). */
  threads(task?: string): number;
  close(): Promise<void>;
}

/**
 * One thread per core: a command that scores waits for nothing else, and in the bot the threads' lower priority
 * (serveTasks) leaves the event loop its share. JCB_THREADS overrides it (0–64; 0: no pool, all work in the
 * calling thread, as the tests of the miniature release do).
 */
export function poolSize(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.JCB_THREADS ? Number(env.JCB_THREADS) : NaN;
  if (Number.isInteger(asked) && asked >= 0 && asked <= 64) return asked;
  return Math.max(1, os.availableParallelism());
}

/**
 * A thread running the module at `entry`. From the TypeScript sources (tests, tsx) the thread registers tsx's
 * loader first, since a worker does not inherit the parent's loaders.
 */
export function moduleWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}

interface Job {
  task: string;
  args: unknown[];
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Thread {
  worker: Worker;
  job?: Job;
  /** The timer that ends the thread once idle for `idleMs`. */
  idle?: NodeJS.Timeout;
  /** Ended for being idle: its exit is not a failure. */
  retired?: boolean;
  /** The tasks it has run, and its idle time to end: `idleMs`, or a heavy task's once it ran one. */
  ran: Set<string>;
  idleMs?: number;
  /** Resolves true once the warm task succeeded, false if it failed or the thread ended first. */
  warm: Promise<boolean>;
  warmed?: boolean;
}

type Reply = { id: number; value: unknown } | { id: number; error: CarriedError };
interface CarriedError {
  name: string;
  message: string;
  hint?: string;
  terminal?: UserError['terminal'];
  stack?: string;
}

const carried = (err: unknown): CarriedError => {
  const e = err instanceof Error ? err : new Error(String(err));
  return e instanceof UserError
    ? { name: e.name, message: e.message, hint: e.hint, terminal: e.terminal }
    : { name: e.name, message: e.message, stack: e.stack };
};

const rebuilt = (c: CarriedError): Error => {
  if (c.name === 'UserError') return new UserError(c.message, c.hint, c.terminal);
  const err = new Error(c.message);
  err.name = c.name;
  if (c.stack) err.stack = c.stack;
  return err;
};

/** A pool over the module at `entry`, which calls `serveTasks`. Threads start as work needs them, or all at `warm()`. */
export function createPool(entry: URL, options: PoolOptions = {}): Pool {
  const size = options.size ?? poolSize();
  const threads: Thread[] = [];
  const queue: Job[] = [];
  /** Threads ended idle whose exit has not come yet (their isolate, and its memory, not yet disposed). */
  const ending = new Set<Thread>();
  const tables = new Map<string, Promise<unknown>>();
  let nextId = 0;
  let closed = false;

  /** Ends `t` after `idleMs` without work (the timer does not keep the process alive). */
  const idleTimer = (t: Thread) => {
    if (t.idleMs === undefined) return;
    t.idle = setTimeout(() => {
      if (t.job || closed) return;
      t.retired = true;
      threads.splice(threads.indexOf(t), 1);
      ending.add(t);
      void t.worker.terminate();
      if (threads.length === 0) {
        tables.clear();
        options.onIdle?.();
      }
    }, t.idleMs);
    t.idle.unref();
  };
  /** Answers a thread's `sharedTable(name)`: each table is loaded once, the same one handed to every thread. */
  const answerTable = (t: Thread, name: string) => {
    const load = options.shared?.[name];
    if (load && !tables.has(name)) tables.set(name, load());
    const table = load ? tables.get(name)! : Promise.reject(new Error(`no shared table "${name}" in this pool`));
    table.then(
      (value) => t.worker.postMessage({ table: name, value }),
      (err: unknown) => {
        tables.delete(name);
        t.worker.postMessage({ table: name, error: carried(err) });
      },
    );
  };

  // One message at a time per thread: the thread's reply settles the job it was sent.
  const send = (t: Thread, job: Job) => {
    clearTimeout(t.idle);
    t.job = job;
    t.ran.add(job.task);
    const heavy = options.heavyTasks?.[job.task];
    if (heavy !== undefined) t.idleMs = Math.min(t.idleMs ?? heavy, heavy);
    // A busy thread keeps the process alive; an idle one must not (a CLI ends when its work is done).
    t.worker.ref();
    t.worker.postMessage({ id: nextId++, task: job.task, args: job.args });
  };
  const dispatch = () => {
    for (const t of threads) {
      if (queue.length === 0) return;
      if (!t.job) send(t, queue.shift()!);
    }
  };

  const spawn = (): Thread => {
    const worker = moduleWorker(entry, { workerData: options.data, resourceLimits: options.resourceLimits });
    const t: Thread = { worker, warm: Promise.resolve(true), ran: new Set(), idleMs: options.idleMs };
    worker.once('online', keepHeapSetting);
    worker.on('message', (reply: Reply | { table: string }) => {
      if ('table' in reply) return answerTable(t, reply.table);
      const job = t.job;
      t.job = undefined;
      worker.unref();
      if ('error' in reply) job?.reject(rebuilt(reply.error));
      else job?.resolve(reply.value);
      dispatch();
      if (!t.job) idleTimer(t);
    });
    const gone = (err: unknown) => {
      clearTimeout(t.idle);
      if (t.retired) return void ending.delete(t);
      const at = threads.indexOf(t);
      if (at >= 0) threads.splice(at, 1);
      t.job?.reject(err);
      t.job = undefined;
      // A thread that died is replaced while work waits (its job failed alone).
      if (!closed && queue.length) threads.push(spawn());
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`a worker thread exited (${code})`)));
    worker.unref();
    return t;
  };
  /** Sends the warm task to a new thread, ahead of anything queued. */
  const warmUp = (t: Thread) => {
    if (!options.warmTask || t.job || t.warmed) return;
    t.warmed = true;
    t.warm = new Promise<boolean>((resolve) => {
      send(t, { task: options.warmTask!, args: [], resolve: () => resolve(true), reject: () => resolve(false) });
    });
    return t;
  };
  const ensure = () => {
    while (!closed && threads.length < Math.min(size, options.warmThreads ?? size)) threads.push(spawn());
  };

  return {
    size,
    run<T>(task: string, args: unknown[] = []): Promise<T> {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      return new Promise<T>((resolve, reject) => {
        queue.push({ task, args, resolve: resolve as (v: unknown) => void, reject });
        // A thread more only when every thread is busy: a command that checks one text starts one.
        if (threads.length < size && threads.every((t) => t.job)) threads.push(spawn());
        dispatch();
      });
    },
    async warm() {
      ensure();
      for (const t of threads) warmUp(t);
      return (await Promise.all(threads.map((t) => t.warm))).every(Boolean);
    },
    pending: () => queue.length + threads.filter((t) => t.job).length,
    threads: (task) => [...threads, ...ending].filter((t) => task === undefined || t.ran.has(task)).length,
    async close() {
      closed = true;
      for (const t of threads) clearTimeout(t.idle);
      for (const job of queue.splice(0)) job.reject(new Error('the worker pool is closed'));
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
}

/**
 * `run` over batches: the calls made while `inFlight()` batches are under way wait, and go together in the next
 * batch. Many small requests (the bot's runs, a few texts each) then make a few round trips to the pool instead of
 * one each, every one a wait for a thread that, on a busy machine, waits for the CPU (issue 28). Each call gets the
 * results of its own items, in order; a batch that fails fails every call in it.
 */
export function coalesced<T, R>(
  run: (items: T[]) => Promise<R[]>,
  inFlight: () => number,
): (items: readonly T[]) => Promise<R[]> {
  type Call = { items: readonly T[]; resolve(results: R[]): void; reject(err: unknown): void };
  let waiting: Call[] = [];
  let running = 0;
  const next = () => {
    if (running >= Math.max(1, inFlight()) || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    running++;
    run(batch.flatMap((c) => c.items))
      .then(
        (results) => {
          let at = 0;
          for (const c of batch) c.resolve(results.slice(at, (at += c.items.length)));
        },
        (err: unknown) => batch.forEach((c) => c.reject(err)),
      )
      .finally(() => {
        running--;
        next();
      });
  };
  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      waiting.push({ items, resolve, reject });
      next();
    });
}

/**
 * In a pool's thread: answers each message by running the named task. The thread runs at a lower CPU priority
 * (nice 5; on Linux per thread) so that, on a busy machine, the event loop is scheduled before the work.
 */
export function serveTasks(tasks: TaskTable): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread');
  try {
    os.setPriority(5);
  } catch {
    // not permitted here: the work runs at the event loop's priority
  }
  // A thread that goes quiet collects its tasks' garbage (a bot's thread waits most of its life).
  const idle = idleCollector();
  port.on('message', async ({ id, task, args }: { id: number; task?: string; args: unknown[] }) => {
    if (task === undefined) return; // a shared table's answer (sharedTable)
    idle.begin();
    try {
      const fn = tasks[task] as ((...a: unknown[]) => unknown) | undefined;
      if (!fn) throw new Error(`no task "${task}" in this pool`);
      port.postMessage({ id, value: await fn(...args) });
    } catch (err) {
      port.postMessage({ id, error: carried(err) });
    } finally {
      idle.end();
    }
  });
}

const tableRequests = new Map<string, Promise<unknown>>();

/**
 * In a pool's thread: the pool's shared table `name` (PoolOptions.shared), asked of the pool once per thread.
 * Rejects with the loader's error, or when the pool has no such table.
 */
export function sharedTable<T>(name: string): Promise<T> {
  const port = parentPort;
  if (!port) return Promise.reject(new Error('sharedTable is asked in a worker thread'));
  let asked = tableRequests.get(name);
  if (!asked) {
    asked = new Promise((resolve, reject) => {
      const answer = (m: { table?: string; value?: unknown; error?: CarriedError }) => {
        if (m.table !== name) return;
        port.off('message', answer);
        if (m.error) {
          tableRequests.delete(name);
          reject(rebuilt(m.error));
        } else resolve(m.value);
      };
      port.on('message', answer);
      port.postMessage({ table: name });
    });
    tableRequests.set(name, asked);
  }
  return asked as Promise<T>;
}

/** In a pool's thread: what the pool was given as `data`. */
export const threadData = <T>(): T => workerData as T;
