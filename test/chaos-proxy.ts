// A TCP proxy for drills: passes bytes between a client and a server, and, while cutting, ends every
// connection after a lifetime drawn from a seeded generator (so that a failing drill can be replayed).
import net, { type AddressInfo, type Socket } from 'node:net';
import { seededRandom } from '../src/metrics/bootstrap.js';

export interface ChaosProxy {
  /** The proxy's port on 127.0.0.1 (ephemeral). */
  port: number;
  /** How many connections it has cut. */
  cuts(): number;
  /** Cuts every open connection now, as a network failure would (no goodbye from the server). */
  cutAll(): void;
  /** From now on, every connection (open or new) ends after a random lifetime in [minMs, maxMs). */
  startCutting(minMs: number, maxMs: number): void;
  stopCutting(): void;
  close(): Promise<void>;
}

/** A proxy on an ephemeral port of 127.0.0.1 to `target` on the same machine. */
export async function chaosProxy(target: { host: string; port: number }, seed: number): Promise<ChaosProxy> {
  const random = seededRandom(seed);
  const open = new Set<{ client: Socket; upstream: Socket; timer?: NodeJS.Timeout }>();
  let cutting: { minMs: number; maxMs: number } | undefined;
  let cuts = 0;
  const schedule = (pair: { client: Socket; upstream: Socket; timer?: NodeJS.Timeout }) => {
    if (!cutting) return;
    const life = cutting.minMs + random() * (cutting.maxMs - cutting.minMs);
    pair.timer = setTimeout(() => {
      cuts++;
      pair.client.destroy();
      pair.upstream.destroy();
    }, life);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream } as { client: Socket; upstream: Socket; timer?: NodeJS.Timeout };
    open.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      clearTimeout(pair.timer);
      client.destroy();
      upstream.destroy();
      open.delete(pair);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    schedule(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stopCutting = () => {
    cutting = undefined;
    for (const pair of open) clearTimeout(pair.timer);
  };
  return {
    port: (server.address() as AddressInfo).port,
    cuts: () => cuts,
    startCutting(minMs, maxMs) {
      cutting = { minMs, maxMs };
      for (const pair of open) schedule(pair);
    },
    stopCutting,
    cutAll() {
      for (const pair of open) {
        cuts++;
        pair.client.destroy();
        pair.upstream.destroy();
      }
    },
    async close() {
      stopCutting();
      for (const pair of open) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
