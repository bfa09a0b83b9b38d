// `npm run bench` (part 5): a worker killed with SIGKILL mid-job: the seconds until its job's
// documents are worked on again by another worker, with the production lock settings (target ≤ 15 s).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';

const LATENCY = 200;
const stub = fork(fileURLToPath(new URL('./openai-stub-server.js', import.meta.url)));
const port = await new Promise<number>((resolve) => stub.once('message', (m: { port: number }) => resolve(m.port)));
await new Promise<void>((resolve) => {
  stub.once('message', () => resolve());
  stub.send({ latencyMs: LATENCY });
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-recovery-bench-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  JCB_MODELS: path.join(dir, 'models.yml'),
  JCB_STORE: path.join(dir, 'jcb.sqlite'),
  JCB_QUEUE_PREFIX: `jcbrecovery-${process.pid}`,
  JCB_QUEUE_CHUNK: '100',
  JCB_QUEUE_LOCK_MS: '', // the defaults are what is measured
};
writeFileSync(
  env.JCB_MODELS!,
  `models:\n  local:\n    provider: openai-compatible\n    model: bench\n    baseUrl: http://127.0.0.1:${port}/v1\n    concurrency: 1\n`,
);
const services = createServices({ env });
const store = await Store.open(env);
const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const worker = () => {
  const p = fork(main, ['worker', '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  p.stderr!.on('data', (d: Buffer) => process.env.JCB_DEBUG && process.stderr.write(d));
  return new Promise<ChildProcess>((resolve) =>
    p.stderr!.on('data', (d: Buffer) => d.toString().includes('taking') && resolve(p)),
  );
};
const stored = async (runId: string) => {
  const { done, failed } = await store.progress(runId);
  return done + failed;
};
const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
};

// One job of 100 documents, taken by the first worker; the second, started once it is under way, is
// idle, so its first stored document is one of the killed worker's job.
const holder = await worker();
const { run } = await services.enqueueEvaluation({
  task: 're-ent',
  model: 'local',
  shot: 'zero',
  limit: 100,
  noCache: true,
});
await until(async () => (await stored(run.id)) >= 2);
const other = await worker();
holder.kill('SIGKILL');
const t = performance.now();
const before = await stored(run.id);
await until(async () => (await stored(run.id)) > before);
// The time to the next stored document, less the model's answer time.
const seconds = (performance.now() - t - LATENCY) / 1000;
console.log(
  `Worker killed (SIGKILL) mid-job: its documents worked on again after ${seconds.toFixed(1)} s (target ≤ 15 s)`,
);
other.kill();
await store.close();
await services.close();
stub.kill();
