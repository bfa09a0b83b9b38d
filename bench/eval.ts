// `npm run bench` (part 2): the evaluation engine against a local OpenAI-compatible server.
//  - harness overhead per document: the server answers at once (target: under 2 ms a document);
//  - wall time against the ideal (Σ latency / concurrency) with 200 ms per answer, at concurrency
//    1, 8 and 32 (target: within 1.1× of the ideal at 32).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createServices } from '../src/services/index.js';

// The server runs in its own process; the parent sets its latency between phases.
const stub = fork(fileURLToPath(new URL('./openai-stub-server.js', import.meta.url)));
const port = await new Promise<number>((resolve) => stub.once('message', (m: { port: number }) => resolve(m.port)));
const setLatency = (ms: number) =>
  new Promise<void>((resolve) => {
    stub.once('message', () => resolve());
    stub.send({ latencyMs: ms });
  });
const LATENCY = 200;

const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-bench-'));
const models = path.join(dir, 'models.yml');
writeFileSync(
  models,
  `models:\n  local:\n    provider: openai-compatible\n    model: bench\n    baseUrl: http://127.0.0.1:${port}/v1\n    concurrency: 64\n`,
);
const services = createServices({
  env: { ...process.env, JCB_MODELS: models, JCB_STORE: path.join(dir, 'jcb.sqlite') },
});

// RE-Ent zero-shot: 5,995 short documents, no tokenizer needed, so the harness is what is measured.
async function timed(limit: number, concurrency: number): Promise<number> {
  const t = performance.now();
  const result = await services.evaluate({
    task: 're-ent',
    model: 'local',
    shot: 'zero',
    limit,
    concurrency,
    noCache: true,
  });
  if (result.outcomes[0].failed) throw new Error(`${result.outcomes[0].failed} documents failed`);
  return performance.now() - t;
}

await timed(50, 1); // warm-up: JIT, connections, migrations
const overheadDocs = 1000;
const cpuBefore = process.cpuUsage();
const wall1 = (await timed(overheadDocs, 1)) / overheadDocs;
// The harness's own CPU (this process: engine, model client, store), which other jobs on the machine do not inflate.
const cpu = process.cpuUsage(cpuBefore);
const cpu1 = (cpu.user + cpu.system) / 1000 / overheadDocs;
const wall8 = (await timed(overheadDocs, 8)) / overheadDocs;
// The transport alone: the same kind of request with plain fetch, one at a time.
const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'x'.repeat(600) }] });
const roundTrip = async () =>
  (
    await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    })
  ).json();
for (let i = 0; i < 100; i++) await roundTrip();
let t = performance.now();
for (let i = 0; i < overheadDocs; i++) await roundTrip();
const http = (performance.now() - t) / overheadDocs;
console.log('Evaluation engine against a local OpenAI-compatible server (its own process)');
console.log(`  plain HTTP round trip to the server                        ${http.toFixed(2)} ms`);
console.log(`  wall per document, server answering at once, concurrency 1  ${wall1.toFixed(2)} ms`);
console.log(
  `  harness overhead per document (wall − round trip)           ${(wall1 - http).toFixed(2)} ms  (target < 2 ms)`,
);
console.log(`  CPU per document of this process, concurrency 1             ${cpu1.toFixed(2)} ms`);
console.log(`  wall per document at concurrency 8                          ${wall8.toFixed(2)} ms`);

await setLatency(LATENCY);
for (const [concurrency, docs] of [
  [1, 20],
  [8, 160],
  [32, 640],
] as const) {
  const wall = await timed(docs, concurrency);
  const ideal = (docs * LATENCY) / concurrency;
  console.log(
    `  200 ms answers, concurrency ${String(concurrency).padStart(2)}, ${docs} documents: wall ${(wall / 1000).toFixed(2)} s, ideal ${(ideal / 1000).toFixed(2)} s, ${(wall / ideal).toFixed(3)}× the ideal${concurrency === 32 ? '  (target ≤ 1.1×)' : ''}`,
  );
}
await services.close();
stub.kill();
