// `npm run bench` (part 4): background evaluations with 1, 4 and 16 worker processes, against a local
// model that answers after 200 ms: documents a second, runs a minute, and the speed-up over one worker
// (targets: 4 workers at least 3.6× one, 16 at least 14×).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createServices } from '../src/services/index.js';

const LATENCY = 200;
const DOCS = 160;
const stub = fork(fileURLToPath(new URL('./openai-stub-server.js', import.meta.url)));
const port = await new Promise<number>((resolve) => stub.once('message', (m: { port: number }) => resolve(m.port)));
await new Promise<void>((resolve) => {
  stub.once('message', () => resolve());
  stub.send({ latencyMs: LATENCY });
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-workers-bench-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  JCB_MODELS: path.join(dir, 'models.yml'),
  JCB_STORE: path.join(dir, 'jcb.sqlite'),
  JCB_QUEUE_PREFIX: `jcbbench-${process.pid}`,
  JCB_QUEUE_CHUNK: '5',
};
// One request at a time per worker: the speed-up then comes from the workers alone.
writeFileSync(env.JCB_MODELS!, `models:\n  local:\n    provider: openai-compatible\n    model: bench\n    baseUrl: http://127.0.0.1:${port}/v1\n    concurrency: 1\n`);
const services = createServices({ env });
const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

async function finish(runId: string): Promise<void> {
  for (;;) {
    const [p] = await services.status(runId);
    if (p.run.status === 'finished') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function timedRun(workers: number): Promise<number> {
  const procs: ChildProcess[] = Array.from({ length: workers }, () =>
    fork(main, ['worker', '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }),
  );
  // Ready when each says it is taking jobs; then a warm-up run loads the release in every worker.
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => p.stderr!.on('data', (d: Buffer) => d.toString().includes('taking') && resolve()))));
  const warm = await services.enqueueEvaluation({ task: 're-ent', model: 'local', shot: 'zero', limit: workers * 5, noCache: true });
  await finish(warm.run.id);
  const t = performance.now();
  const { run } = await services.enqueueEvaluation({ task: 're-ent', model: 'local', shot: 'zero', limit: DOCS, noCache: true });
  await finish(run.id);
  const wall = performance.now() - t;
  for (const p of procs) p.kill();
  return wall;
}

const TARGETS: Record<number, string> = { 4: '  (target ≥ 3.6×)', 16: '  (target ≥ 14×)' };
console.log(`Background evaluation, ${DOCS} documents (jobs of 5), a model answering after ${LATENCY} ms, one request at a time per worker`);
let one = 0;
for (const workers of [1, 4, 16]) {
  const wall = await timedRun(workers);
  if (workers === 1) one = wall;
  console.log(
    `  ${String(workers).padStart(2)} worker${workers > 1 ? 's' : ' '}: ${(wall / 1000).toFixed(2)} s, ${(DOCS / (wall / 1000)).toFixed(1)} documents/s, ${(60_000 / wall).toFixed(1)} runs/min, ${(one / wall).toFixed(2)}× one worker${TARGETS[workers] ?? ''}`,
  );
}
await services.close();
stub.kill();
