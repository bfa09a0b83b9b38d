// `npm run bench` (part 4): background evaluations with 1, 4 and 16 worker processes, against a local
// model that answers after 200 ms, one request at a time per worker (the speed-up then comes from the
// workers alone; targets: 4 workers at least 3.6× one, 16 at least 14×).
//
// Workers are long-running (`jcb worker`, started once on any number of machines): each row times the same
// run of 320 documents (20 a worker at 16) with every worker started and warm, so the ratios compare
// steady-state throughput. What a worker costs once per process is printed apart under each row: its start
// (to the "taking evaluation jobs" line: task files, LangChain and the token counter are loaded by then) and
// its first job (the setting's documents, read on first use). CPU is read from /proc (Linux; "n/a" elsewhere): the workers', the
// stand-in model's and this bench's own, per document of the timed run. The Redis commands are those of
// every client of that server during the run (INFO commandstats): on a shared Redis, others' count too.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Queue from 'bull';
import { redisOptions } from '../src/queue/settings.js';
import { createServices } from '../src/services/index.js';

const LATENCY = 200;
const CHUNK = 5;
const DOCS = 16 * 20;
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
  JCB_QUEUE_CHUNK: String(CHUNK),
};
writeFileSync(
  env.JCB_MODELS!,
  `models:\n  local:\n    provider: openai-compatible\n    model: bench\n    baseUrl: http://127.0.0.1:${port}/v1\n    concurrency: 1\n`,
);
const services = createServices({ env });
const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
// A connection of its own for INFO: the services' queue is not the bench's to read.
const probe = new Queue('jcb-bench-probe', { redis: redisOptions(env), prefix: env.JCB_QUEUE_PREFIX });

/** CPU time of a process so far (ms; user + system, clock ticks of 10 ms), or NaN where /proc is not. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Every command any client has sent the Redis server so far (INFO commandstats). */
async function redisCommands(): Promise<number> {
  const info = await probe.client.info('commandstats');
  return sum([...info.matchAll(/calls=(\d+)/g)].map((m) => Number(m[1])));
}

/** Waits, with one store read every 25 ms, until the run is finished. */
async function finished(runId: string): Promise<void> {
  while ((await services.runState(runId)) !== 'finished') await new Promise((r) => setTimeout(r, 25));
}

interface Worker {
  proc: ChildProcess;
  /** Jobs this worker has logged done. */
  jobs: number;
}

/** Starts `n` workers at once; resolves when each has said it is taking jobs. */
async function startWorkers(n: number): Promise<{ workers: Worker[]; readyMs: number; cpu: number[] }> {
  const t = performance.now();
  const workers = Array.from({ length: n }, (): Worker => {
    const proc = fork(main, ['worker', '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return { proc, jobs: 0 };
  });
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) =>
          w.proc.stderr!.on('data', (d: Buffer) => {
            const text = d.toString();
            w.jobs += text.match(/documents computed/g)?.length ?? 0;
            if (text.includes('taking')) resolve();
          }),
        ),
    ),
  );
  return { workers, readyMs: performance.now() - t, cpu: workers.map((w) => cpuMs(w.proc.pid)) };
}

async function timedRun(n: number) {
  const start = await startWorkers(n);
  const { workers } = start;
  // First jobs: one a worker (each takes one job at a time, and all are waiting).
  const warmT = performance.now();
  const warm = await services.enqueueEvaluation({
    task: 're-ent',
    model: 'local',
    shot: 'zero',
    limit: n * CHUNK,
    noCache: true,
  });
  await finished(warm.run.id);
  const warmMs = performance.now() - warmT;
  const warmed = workers.filter((w) => w.jobs > 0).length;
  const before = workers.map((w) => cpuMs(w.proc.pid));
  const [stub0, own0, redis0] = [cpuMs(stub.pid), ownCpuMs(), await redisCommands()];
  const t = performance.now();
  const { run } = await services.enqueueEvaluation({
    task: 're-ent',
    model: 'local',
    shot: 'zero',
    limit: DOCS,
    noCache: true,
  });
  await finished(run.id);
  const wall = performance.now() - t;
  const after = workers.map((w) => cpuMs(w.proc.pid));
  const [stub1, own1, redis1] = [cpuMs(stub.pid), ownCpuMs(), await redisCommands()];
  await Promise.all(
    workers.map((w) => {
      const exited = new Promise((r) => w.proc.once('exit', r));
      w.proc.kill();
      return exited;
    }),
  );
  return {
    wall,
    load: os.loadavg()[0]!,
    readyMs: start.readyMs,
    startCpu: sum(start.cpu) / n,
    warmMs,
    warmCpu: sum(before.map((b, i) => b - start.cpu[i]!)) / n,
    warmed,
    workerCpu: sum(after.map((a, i) => a - before[i]!)) / DOCS,
    stubCpu: (stub1 - stub0) / DOCS,
    ownCpu: (own1 - own0) / DOCS,
    redis: (redis1 - redis0) / DOCS,
  };
}

const ms = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(1)} ms`);
const s = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(x / 1000).toFixed(1)} s`);
const TARGETS: Record<number, string> = { 4: '  (target ≥ 3.6×)', 16: '  (target ≥ 14×)' };
console.log(
  `Background evaluation, ${DOCS} documents (jobs of ${CHUNK}), a model answering after ${LATENCY} ms, one request at a time per worker;`,
);
console.log('  each row timed with every worker started and past its first job (start-up is printed apart, below it)');
let one = 0;
for (const n of [1, 4, 16]) {
  const r = await timedRun(n);
  if (n === 1) one = r.wall;
  console.log(
    `  ${String(n).padStart(2)} worker${n > 1 ? 's' : ' '}: ${(r.wall / 1000).toFixed(2)} s, ${(DOCS / (r.wall / 1000)).toFixed(1)} documents/s, ${(one / r.wall).toFixed(2)}× one worker${TARGETS[n] ?? ''}; load ${r.load.toFixed(1)}`,
  );
  console.log(
    `      CPU a document: workers ${ms(r.workerCpu)}, stand-in model ${ms(r.stubCpu)}, this bench ${ms(r.ownCpu)}; Redis ${r.redis.toFixed(1)} commands a document (all its clients)`,
  );
  console.log(
    `      start-up, once a process (not timed above): ${n > 1 ? 'all ' : ''}ready in ${s(r.readyMs)} (${s(r.startCpu)} CPU a worker: task files, LangChain, token counter included); first jobs ${s(r.warmMs)} (${s(r.warmCpu)} CPU a worker: the setting's documents; ${r.warmed} of ${n} took one)`,
  );
}
await probe.close();
await services.close();
stub.kill();
