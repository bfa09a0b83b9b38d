// Tokenization for ROUGE-L: each distinct text once, cached, on worker threads when the batch is big.
import { setImmediate as nextTurn } from 'node:timers/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadIpadic, type Ipadic } from './ipadic.js';
import { rougeTokens } from './rouge-tokens.js';

export interface TokenizerOptions {
  /** Worker threads for large batches; 0 tokenizes in this thread. Default: the machine's cores. */
  threads?: number;
  /** Batches smaller than this many characters stay in this thread (a thread costs its start). */
  parallelAbove?: number;
  /** Texts kept in the cache. */
  cacheSize?: number;
}

/** Whether texts' tokens are cached: for every text, or one flag a text (gold texts cached, outputs not). */
export type Keep = boolean | readonly boolean[];

/** Whether `keep` caches the text at index `i`. */
export const keeps = (keep: Keep, i: number): boolean => (typeof keep === 'boolean' ? keep : keep[i]);

export interface RougeTokenizer {
  /** Tokens of each text; those `keep` says false left out of the cache (texts not asked for again). */
  tokenize(texts: readonly string[], keep?: Keep): Promise<string[][]>;
  /** Loads the dictionary and starts the worker threads (which share it) ahead of a large batch. */
  warm(): void;
  close(): Promise<void>;
}

interface PendingBatch {
  resolve(tokens: string[][]): void;
  reject(err: unknown): void;
}

/** A tokenizer thread over `dic`, which it shares (its tables are in shared memory), never copies. */
function spawnWorker(dic: Ipadic): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: dic });
  // Run from the TypeScript sources (tests, tsx): the worker registers tsx's loader first.
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, {
    eval: true,
    workerData: dic,
  });
}

export function createRougeTokenizer(options: TokenizerOptions = {}): RougeTokenizer {
  const threads = options.threads ?? Math.max(1, os.availableParallelism());
  const parallelAbove = options.parallelAbove ?? 300_000;
  const cacheSize = options.cacheSize ?? 50_000;
  const cache = new Map<string, string[]>();
  let starting: Promise<Worker[]> | undefined;
  const pending = new Map<number, PendingBatch>();
  let nextId = 0;

  const remember = (text: string, tokens: string[]) => {
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(text, tokens);
  };

  const onWorker = (w: Worker) => {
    w.on('message', ({ id, tokens }: { id: number; tokens: string[][] }) => {
      pending.get(id)?.resolve(tokens);
      pending.delete(id);
    });
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    w.unref();
    return w;
  };

  // The dictionary is loaded here once, and the threads share it.
  const start = () =>
    (starting ??= loadIpadic().then((dic) => Array.from({ length: threads }, () => onWorker(spawnWorker(dic)))));

  const onThreads = async (texts: string[]): Promise<string[][]> => {
    const workers = await start();
    // Deal texts longest first to the least loaded worker, so threads finish together.
    const order = texts.map((_, i) => i).sort((a, b) => texts[b].length - texts[a].length);
    const shares = workers.map(() => ({ load: 0, indices: [] as number[] }));
    for (const i of order) {
      const share = shares.reduce((a, b) => (b.load < a.load ? b : a));
      share.load += texts[i].length;
      share.indices.push(i);
    }
    const out: string[][] = new Array(texts.length);
    await Promise.all(
      shares.map(async (share, w) => {
        if (share.indices.length === 0) return;
        const id = nextId++;
        // An idle worker must not keep the process alive; a busy one must.
        workers[w].ref();
        const tokens = await new Promise<string[][]>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          workers[w].postMessage({ id, texts: share.indices.map((i) => texts[i]) });
        }).finally(() => workers[w].unref());
        share.indices.forEach((i, k) => (out[i] = tokens[k]));
      }),
    );
    return out;
  };

  // Requests made in the same turn of the event loop (e.g. many files scored at once) are served as
  // one batch, so that a large workload reaches the worker threads whole.
  let queued = new Set<string>();
  // Texts of the queued batch that a request wants cached.
  let kept = new Set<string>();
  let flushing: Promise<Map<string, string[]>> | undefined;
  /** The batch's tokens by text; those in `keep` cached too. */
  const flush = async (texts: string[], keep: ReadonlySet<string>) => {
    const chars = texts.reduce((n, t) => n + t.length, 0);
    let tokens: string[][];
    if (threads > 0 && chars > parallelAbove) tokens = await onThreads(texts);
    else {
      const dic = await loadIpadic();
      tokens = texts.map((t) => rougeTokens(dic, t));
    }
    texts.forEach((t, i) => keep.has(t) && remember(t, tokens[i]));
    return new Map(texts.map((t, i) => [t, tokens[i]]));
  };
  const schedule = (): Promise<Map<string, string[]>> =>
    (flushing ??= nextTurn().then(() => {
      const [batch, keep] = [[...queued], kept];
      [queued, kept] = [new Set(), new Set()];
      flushing = undefined;
      return flush(batch, keep);
    }));

  return {
    async tokenize(texts, keep = true) {
      const results = new Map<string, string[]>();
      texts.forEach((t, i) => {
        const hit = cache.get(t);
        if (hit) results.set(t, hit);
        else {
          queued.add(t);
          if (keeps(keep, i)) kept.add(t);
        }
      });
      if (results.size < new Set(texts).size) {
        // The batch's own tokens: a batch larger than the cache may have evicted some already.
        const batch = await schedule();
        for (const t of texts) if (!results.has(t)) results.set(t, batch.get(t)!);
      }
      return texts.map((t) => results.get(t)!);
    },
    warm: () => void start(),
    async close() {
      const workers = await starting;
      starting = undefined;
      await Promise.all((workers ?? []).map((w) => w.terminate()));
    },
  };
}
