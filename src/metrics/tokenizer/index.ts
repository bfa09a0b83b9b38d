// Tokenization for ROUGE-L: each distinct text once, cached, on worker threads when the batch is big.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadIpadic } from './ipadic.js';
import { rougeTokens } from './rouge-tokens.js';

export interface TokenizerOptions {
  /** Worker threads for large batches; 0 tokenizes in this thread. Default: the machine's cores. */
  threads?: number;
  /** Batches smaller than this many characters stay in this thread (a worker costs a dictionary load). */
  parallelAbove?: number;
  /** Texts kept in the cache. */
  cacheSize?: number;
}

export interface RougeTokenizer {
  tokenize(texts: readonly string[]): Promise<string[][]>;
  close(): Promise<void>;
}

interface PendingBatch {
  resolve(tokens: string[][]): void;
  reject(err: unknown): void;
}

function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  // Run from the TypeScript sources (tests, tsx): the worker registers tsx's loader first.
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, {
    eval: true,
  });
}

export function createRougeTokenizer(options: TokenizerOptions = {}): RougeTokenizer {
  const threads = options.threads ?? Math.max(1, os.availableParallelism());
  const parallelAbove = options.parallelAbove ?? 300_000;
  const cacheSize = options.cacheSize ?? 50_000;
  const cache = new Map<string, string[]>();
  const workers: Worker[] = [];
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

  const onThreads = async (texts: string[]): Promise<string[][]> => {
    while (workers.length < threads) workers.push(onWorker(spawnWorker()));
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
        const tokens = await new Promise<string[][]>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          workers[w].postMessage({ id, texts: share.indices.map((i) => texts[i]) });
        });
        share.indices.forEach((i, k) => (out[i] = tokens[k]));
      }),
    );
    return out;
  };

  return {
    async tokenize(texts) {
      const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
      if (missing.length > 0) {
        const chars = missing.reduce((n, t) => n + t.length, 0);
        let tokens: string[][];
        if (threads > 0 && chars > parallelAbove) tokens = await onThreads(missing);
        else {
          const dic = await loadIpadic();
          tokens = missing.map((t) => rougeTokens(dic, t));
        }
        missing.forEach((t, i) => remember(t, tokens[i]));
      }
      // A batch larger than the cache may have evicted its own texts: fall back to recomputing.
      const dic = texts.some((t) => !cache.has(t)) ? await loadIpadic() : undefined;
      return texts.map((t) => cache.get(t) ?? rougeTokens(dic!, t));
    },
    async close() {
      await Promise.all(workers.splice(0).map((w) => w.terminate()));
    },
  };
}
