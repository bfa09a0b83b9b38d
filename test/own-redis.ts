// A redis-server of a test's own (eviction policies, renamed commands, restarts), on ports from
// JCB_TEST_REDIS_PORT (default 6440) upward, and a polling wait without timed assertions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const BASE_PORT = Number(process.env.JCB_TEST_REDIS_PORT) || 6440;

/** A redis-server of the test's own, nothing on disk, with `args` (a policy, a renamed command). */
export function ownRedis(offset: number, args: string[] = []) {
  const port = BASE_PORT + offset;
  let server: ChildProcess | undefined;
  const cli = (...a: string[]) =>
    spawnSync('redis-cli', ['-p', String(port), ...a], { encoding: 'utf8' }).stdout.trim();
  return {
    url: `redis://127.0.0.1:${port}`,
    cli,
    async start() {
      server = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 100 && cli('ping') !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
      if (cli('ping') !== 'PONG') throw new Error(`redis-server on ${port} did not start`);
    },
    async kill() {
      const s = server;
      s?.kill('SIGKILL');
      if (s && s.exitCode === null) await new Promise((r) => s.once('exit', r));
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
