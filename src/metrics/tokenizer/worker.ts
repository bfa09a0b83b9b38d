// A tokenizer thread: uses the dictionary it was given (shared memory, no copy), then answers batches of texts.
import { parentPort, workerData } from 'node:worker_threads';
import { loadIpadic, useIpadic, type Ipadic } from './ipadic.js';
import { rougeTokens } from './rouge-tokens.js';

useIpadic(() => Promise.resolve(workerData as Ipadic));
const dic = loadIpadic();
parentPort!.on('message', async ({ id, texts }: { id: number; texts: string[] }) => {
  const d = await dic;
  parentPort!.postMessage({ id, tokens: texts.map((t) => rougeTokens(d, t)) });
});
