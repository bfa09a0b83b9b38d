// A tokenizer thread: loads the dictionary once, then answers batches of texts.
import { parentPort } from 'node:worker_threads';
import { loadIpadic } from './ipadic.js';
import { rougeTokens } from './rouge-tokens.js';

const dic = loadIpadic();
parentPort!.on('message', async ({ id, texts }: { id: number; texts: string[] }) => {
  const d = await dic;
  parentPort!.postMessage({ id, tokens: texts.map((t) => rougeTokens(d, t)) });
});
