// A foreground run whose process is gone without saying so (kill -9, the OOM killer, a reboot, another host's process
// stopped): every reader shows it `stopped` with the line that resumes it, never a live run; a resume takes it over.
// Real child `jcb eval` processes on both stores; the heartbeat bound is set by JCB_ORPHAN_AFTER_MS.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { thisProcess } from '../src/evaluation/owner.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, JCB_BIN, localChatServer, runJcb, runRow, TEST_MODELS } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const waitFor = async (check: () => Promise<boolean>, ms = 60_000) => {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 100)))
    if (await check()) return;
  throw new Error('timed out waiting');
};

/** A store of the test's own, a model server answering after `latencyMs`, and the env that names both. */
async function setup(kind: 'sqlite' | 'postgres', latencyMs = 4000) {
  const store = await freshStore(kind);
  cleanups.push(store.drop);
  const model = await localChatServer(() => '["W"]', latencyMs);
  cleanups.push(model.close);
  const models = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-owner-')), 'models.yml');
  writeFileSync(
    models,
    `${TEST_MODELS}  slow:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${model.url}\n    concurrency: 1\n    maxRetries: 0\n`,
  );
  const env = { ...FIXTURE_ENV, JCB_MODELS: models, ...store.env };
  const observer = await Store.open(env);
  cleanups.push(() => observer.close());
  return { env, observer };
}

/** A run of process `owner` on MR, started in the foreground (no documents planned for workers). */
async function ownedRun(store: Store, id: string, owner: Parameters<Store['claimRun']>[1]) {
  await store.createRun({ ...runRow(id), planned: null });
  await store.claimRun(id, owner);
}

for (const kind of ['sqlite', 'postgres'] as const)
  describe(`a run whose process is gone (${kind})`, () => {
    it('kill -9 mid-run: status, runs and show say stopped with the resume line; never while alive; a resume takes over', async () => {
      const { env, observer } = await setup(kind);
      // A bound of 1 ms: a live process on this host is known alive by its pid, whatever its heartbeat.
      const readers = { ...env, JCB_ORPHAN_AFTER_MS: '1' };
      const child = spawn(process.execPath, [JCB_BIN, 'eval', 'mr', 'slow', '--limit', '3', '--concurrency', '1'], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      cleanups.push(() => void child.kill('SIGKILL'));
      await waitFor(async () => {
        const [r] = await observer.listRuns();
        return !!r && (await observer.progress(r.id)).done >= 1;
      });
      const [live] = await observer.listRuns();
      expect([live!.owner_host, live!.owner_pid, live!.heartbeat_at !== null]).toEqual([
        os.hostname(),
        child.pid,
        true,
      ]);
      const alive = await runJcb(['status'], readers);
      expect(alive.out).toContain(`Run ${live!.id} — slow, one-shot, running`);
      expect(alive.out).not.toContain('stopped');
      child.kill('SIGKILL');
      await exited;

      const line = `stopped: its process ended without finishing (on ${os.hostname()}, pid ${child.pid}) — resume with jcb eval mr slow --shot one --limit 3 --run ${live!.id}`;
      const status = await runJcb(['status'], env);
      expect(status.out).toContain(`Run ${live!.id} — slow, one-shot, stopped\n`);
      expect(status.out).toContain(`\n  ${line}\n`);
      const runs = await runJcb(['runs'], env);
      expect(runs.out).toMatch(new RegExp(`^${live!.id} +slow +one +mr +stopped `, 'm'));
      expect(runs.out).toContain(`${live!.id} ${line}`);
      const show = await runJcb(['show', live!.id], env);
      expect(show.out.split('\n').slice(0, 2)).toEqual([
        `Run ${live!.id} — slow (openai-compatible), one-shot, stopped`,
        line,
      ]);
      // Written once, by the first reader: interrupted, its process let go.
      const stopped = await observer.getRun(live!.id);
      expect([stopped!.status, stopped!.owner_token, stopped!.heartbeat_at]).toEqual(['interrupted', null, null]);

      const resumed = await runJcb(['eval', 'mr', 'slow', '--limit', '3', '--run', live!.id], env);
      expect(resumed.code, resumed.err).toBe(0);
      const finished = (await observer.getRun(live!.id))!;
      expect(finished.status).toBe('finished');
      expect(await observer.progress(live!.id)).toEqual({ done: finished.document_count, failed: 0 });
    });

    it("another host's run: stopped only once its heartbeat is older than JCB_ORPHAN_AFTER_MS; resumed before, refused", async () => {
      const { env, observer } = await setup(kind);
      await ownedRun(observer, 'r-elsewhere', { host: 'elsewhere.example', pid: 4242, start: null, token: 'abc' });
      const fresh = { ...env, JCB_ORPHAN_AFTER_MS: '600000' };
      expect((await runJcb(['status'], fresh)).out).toContain('Run r-elsewhere — gpt-4o, one-shot, running');
      const refused = await runJcb(['eval', 'mr', 'gpt-4o', '--run', 'r-elsewhere'], fresh);
      expect(refused.err).toBe(
        'jcb: Run r-elsewhere is being run now by another process (on elsewhere.example, pid 4242). Let it finish, or stop that process first (Ctrl-C), then resume with --run.\n',
      );
      expect((await observer.getRun('r-elsewhere'))!.status).toBe('running');
      await new Promise((r) => setTimeout(r, 20));
      const stale = await runJcb(['status'], { ...env, JCB_ORPHAN_AFTER_MS: '10' });
      expect(stale.out).toContain(
        '  stopped: its process ended without finishing (on elsewhere.example, pid 4242) — resume with jcb eval mr gpt-4o --shot one --run r-elsewhere\n',
      );
    });

    it.skipIf(!thisProcess().start)(
      'this host: a pid now another process (another start time) is stopped',
      async () => {
        const { env, observer } = await setup(kind);
        const me = thisProcess();
        const reused = { ...me, start: `${me.start!.slice(0, me.start!.lastIndexOf(':'))}:1`, token: 'old' };
        await ownedRun(observer, 'r-reused', reused);
        await ownedRun(observer, 'r-alive', { ...me, token: 'other' });
        const out = (await runJcb(['status', '--all'], { ...env, JCB_ORPHAN_AFTER_MS: '600000' })).out;
        expect(out).toContain(`Run r-reused — gpt-4o, one-shot, stopped`);
        expect(out).toContain(`Run r-alive — gpt-4o, one-shot, running`);
      },
    );

    it("the heartbeat leaves queued runs' stall handling alone", async () => {
      const { observer } = await setup(kind);
      await observer.createRun(runRow('r-q', 'running'));
      const before = await observer.lastActivity((await observer.getRun('r-q'))!);
      await observer.claimRun('r-q', { host: 'h', pid: 1, start: null, token: 't' });
      expect(await observer.heartbeat('r-q', 't')).toBe(true);
      // Neither its last activity (what stall handling reads) nor its status moves with a beat.
      const beaten = (await observer.getRun('r-q'))!;
      expect([await observer.lastActivity(beaten), beaten.status]).toEqual([before, 'running']);
      // Queued again, it has no owner: no reader judges it by a process, and its old process's beats change nothing.
      await observer.setRunStatus('r-q', 'queued');
      expect(await observer.heartbeat('r-q', 't')).toBe(false);
      expect((await observer.ownedRuns()).map((r) => r.id)).toEqual([]);
    });
  });
