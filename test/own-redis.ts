// A redis-server of a test's own (eviction policies, renamed commands, restarts), on a port the system gives it
// free, and a polling wait without timed assertions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** A port nothing listens on now (the system's pick), for a server started just after. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * A redis-server of the test's own, nothing on disk, with `args` (a policy, a renamed command). Its port is
 * chosen at start() (read `url` after it): fixed ports were shared by two files running at once (the quick
 * and slow suites run side by side in CI), and the second silently used the first's server until the first
 * killed it. start() checks that the server answering is the one it spawned. `password`: its requirepass, given by
 * `cli` to every command.
 */
export function ownRedis(args: string[] = [], password?: string) {
  let port = 0;
  let server: ChildProcess | undefined;
  const cli = (...a: string[]) =>
    spawnSync('redis-cli', ['-p', String(port), ...(password ? ['--no-auth-warning', '-a', password] : []), ...a], {
      encoding: 'utf8',
    }).stdout.trim();
  const ours = () => new RegExp(`^process_id:${server?.pid}\\s*$`, 'm').test(cli('info', 'server'));
  return {
    get url() {
      if (!port) throw new Error('ownRedis: url read before start()');
      return `redis://127.0.0.1:${port}`;
    },
    cli,
    async start() {
      // Another process may take the port between the probe and redis-server's bind: then try another.
      for (let attempt = 0; attempt < 5; attempt++) {
        port = await freePort();
        const s = spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
          { stdio: 'ignore' },
        );
        server = s;
        for (let i = 0; i < 100 && s.exitCode === null && cli('ping') !== 'PONG'; i++)
          await new Promise((r) => setTimeout(r, 50));
        if (s.exitCode === null && ours()) return;
        s.kill('SIGKILL');
      }
      throw new Error(`redis-server did not start on a port of its own (last tried ${port})`);
    },
    async kill() {
      const s = server;
      s?.kill('SIGKILL');
      if (s && s.exitCode === null && s.signalCode === null) await new Promise((r) => s.once('exit', r));
    },
  };
}

/** Polls `check` every 100 ms until it holds; throws after `ms` (a hang guard, not an assertion on speed). */
export const waitFor = async (check: () => Promise<boolean>, ms = 30_000) => {
  for (const start = Date.now(); Date.now() - start < ms;) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting');
};

/**
 * A Redis of the test file's own, started before its tests and killed after them, and `closers`: what the tests
 * opened on it (services, queues, servers), closed in reverse order before it goes.
 */
export function fileRedis() {
  const redis = ownRedis();
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(() => redis.start());
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    await redis.kill();
  });
  return { redis, closers };
}
