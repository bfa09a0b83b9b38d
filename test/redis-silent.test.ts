// A Redis that accepts the connection and never answers (a hung server, a firewall that swallows packets):
// ensureReachable says so in one line once its time is up, and leaves nothing behind to fail later (its ping's
// timer fired unheard while the probe waited: an unhandled rejection in whatever ran next, seen in CI).
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureReachable, openRedisCheck } from '../src/queue/eval-queue.js';
import { UserError } from '../src/base/errors.js';

const sockets = new Set<net.Socket>();
const silent = net.createServer((socket) => void sockets.add(socket));
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
const port = (silent.address() as net.AddressInfo).port;
afterAll(() => {
  for (const s of sockets) s.destroy();
  silent.close();
});

describe('a Redis that never answers', () => {
  it('is unavailable in one line, with no rejection left unhandled after', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    const env = { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` };
    const check = openRedisCheck(env);
    try {
      const err = await ensureReachable(check, env, 300).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).not.toMatch(/\n/);
      // Past every timer ensureReachable set.
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      check.close();
    }
  });
});
