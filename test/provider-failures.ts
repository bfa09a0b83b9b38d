// The messages the provider boundary (src/models/server-reply.ts) writes for a list of server behaviours, as stored:
// shared by the tests of operator's words (every face, stored or not).
import { classifyError, serverFetch, type ServerContext } from '../src/models/server-reply.js';

/** A fake server's behaviour: what `fetch` gives back (a Response) or how it fails. */
export type ServerReply = () => Promise<Response>;

/** The failure message of each reply (fetch swapped for it meanwhile), then of a request that timed out. */
export async function failureMessages(ctx: ServerContext, replies: readonly ServerReply[]): Promise<string[]> {
  const out: string[] = [];
  const real = globalThis.fetch;
  for (const reply of replies) {
    globalThis.fetch = reply as typeof fetch;
    try {
      await serverFetch(ctx)(`${ctx.baseUrl}/chat/completions`, { method: 'POST' });
    } catch (err) {
      out.push(classifyError(err, ctx).message);
    } finally {
      globalThis.fetch = real;
    }
  }
  out.push(classifyError(Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' }), ctx).message);
  return out;
}
