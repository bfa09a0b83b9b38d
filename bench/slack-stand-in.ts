// A stand-in for the Slack Web API on loopback (SLACK_API_URL points the bot at it), also taking
// response_url posts: it records what the bot sends and answers like Slack.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIn {
  /** The Web API base URL, ending in /api/. */
  apiUrl: string;
  /** A response_url that lands here. */
  responseUrl: string;
  calls: { method: string; body: Record<string, string>; at: number }[];
  close(): Promise<void>;
}

/**
 * The Web API's answer to `method` as Slack gives it for this workspace (T1, its bot UBOT): auth.test, users.info
 * for a member (the bot asks it once a person, after the ack: guests), and any post accepted, its ts the next of
 * `nextTs` (asked for posts only: a message's ts counts the messages).
 */
export function webApiAnswer(
  method: string,
  body: Record<string, unknown>,
  nextTs: () => number,
): Record<string, unknown> {
  if (method === 'auth.test') return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
  if (method === 'users.info')
    return { ok: true, user: { id: body.user, is_restricted: false, is_ultra_restricted: false } };
  return { ok: true, channel: body.channel ?? 'C1', ts: `${nextTs()}.000100` };
}

export async function startSlackStandIn(): Promise<StandIn> {
  const calls: StandIn['calls'] = [];
  let ts = 1;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      const body = req.headers['content-type']?.includes('json')
        ? JSON.parse(raw || '{}')
        : Object.fromEntries(new URLSearchParams(raw));
      calls.push({ method, body, at: performance.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      const answer = webApiAnswer(method, body, () => ts++);
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: `${base}/response/1`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
