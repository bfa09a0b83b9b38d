// A pool of worker threads for CPU-bound work (chart rendering, personal-information detection, scoring
// files), so that the bot's event loop stays free to acknowledge Slack within its 3 s (issue 28; Slack's Bolt
// guidance: ack first, work after). Written on node:worker_threads: piscina would be the library choice, but it
// is not a dependency, and the few things needed here (a FIFO queue, one task per thread, warm-up, errors
// carried back whole) fit in this module.
import os from 'node:os';
import { parentPort, Worker, workerData, type WorkerOptions } from 'node:worker_threads';
import { UserError } from './errors.js';

/** Named functions a thread serves; arguments and results cross by structured clone. */
export type TaskTable = Record<string, (...args: never[]) => unknown>;

export interface PoolOptions {
  /** Threads; default `poolSize()`. */
  size?: number;
  /** Handed to each thread as `workerData` (e.g. the environment it reads settings from). */
  data?: unknown;
  /** The task `warm()` has each idle thread run (fonts, dictionaries, renderers); a command that needs one thing skips it. */
  warmTask?: string;
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
  let nextId = 0;
  let closed = false;

  // One message at a time per thread: the thread's reply settles the job it was sent.
  const send = (t: Thread, job: Job) => {
    t.job = job;
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
    const worker = moduleWorker(entry, { workerData: options.data });
    const t: Thread = { worker, warm: Promise.resolve(true) };
    worker.on('message', (reply: Reply) => {
      const job = t.job;
      t.job = undefined;
      worker.unref();
      if ('error' in reply) job?.reject(rebuilt(reply.error));
      else job?.resolve(reply.value);
      dispatch();
    });
    const gone = (err: unknown) => {
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
    while (!closed && threads.length < size) threads.push(spawn());
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
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the worker pool is closed'));
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
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
  port.on('message', async ({ id, task, args }: { id: number; task: string; args: unknown[] }) => {
    try {
      const fn = tasks[task] as ((...a: unknown[]) => unknown) | undefined;
      if (!fn) throw new Error(`no task "${task}" in this pool`);
      port.postMessage({ id, value: await fn(...args) });
    } catch (err) {
      port.postMessage({ id, error: carried(err) });
    }
  });
}

/** In a pool's thread: what the pool was given as `data`. */
export const threadData = <T>(): T => workerData as T;
