// A stand-in for Slack's Socket Mode service on loopback, for tests and `npm run bench`: the Web API
// (`apps.connections.open` hands out a ws:// URL, the rest is recorded and answered like Slack) and the
// WebSocket side as Slack's documentation describes it (api.slack.com/apis/socket-mode): `hello` on
// connecting, envelopes `{envelope_id, type, payload, retry_attempt, retry_reason}`, acks
// `{envelope_id, payload?}`, a `disconnect` message asking for a refresh, and envelopes not acked
// re-sent on the next connection with `retry_attempt` raised.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { webApiAnswer } from './slack-stand-in.js';

export interface Envelope {
  envelope_id: string;
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface SocketStandIn {
  /** The Web API base URL, ending in /api/ (SLACK_API_URL). */
  apiUrl: string;
  /** A response_url that lands here. */
  responseUrl: string;
  /** Web API calls and response_url posts, in order. */
  calls: { method: string; body: Record<string, unknown>; at: number }[];
  /** Acks received, in order: envelope id, payload, when. */
  acks: { envelope_id: string; payload?: unknown; at: number }[];
  /** While true, acks are lost on the way (as with a connection about to drop): not recorded, re-sent later. */
  loseAcks: boolean;
  /** While true, acks carrying a payload (an answer) are lost the same way, and kept here instead. */
  loseAnswers: boolean;
  lost: { envelope_id: string; payload?: unknown }[];
  /** Connections opened so far (apps.connections.open answered and socket connected). */
  connections: number;
  /** Sends an envelope on the current connection (or the next, if none); resolves with its id. */
  send(type: Envelope['type'], payload: Record<string, unknown>): string;
  /** When each envelope was first sent (ms, performance.now()). */
  sentAt: Map<string, number>;
  /**
   * Sends `disconnect` with a reason Slack uses: `refresh_requested` (before recycling a connection, the
   * default), `warning` (a connection about to be closed), `too_many_websockets`.
   */
  refresh(reason?: string): void;
  /** Drops the connection without a word, as a network failure would. */
  drop(): void;
  /** Waits until `n` connections have said hello. */
  connected(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSocketStandIn(appToken = 'xapp-test'): Promise<SocketStandIn> {
  let ts = 1;
  const unacked = new Map<string, Envelope>();
  let socket: WebSocket | undefined;
  let hellos = 0;
  const waiting: { n: number; resolve: () => void }[] = [];

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      const body = req.headers['content-type']?.includes('json')
        ? (JSON.parse(raw || '{}') as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
      standIn.calls.push({ method, body, at: performance.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (method === 'apps.connections.open') {
        // Slack refuses this method unless called with the app-level token.
        const ok = req.headers.authorization === `Bearer ${appToken}`;
        const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=${randomUUID()}`;
        res.end(JSON.stringify(ok ? { ok, url } : { ok, error: 'invalid_auth' }));
        return;
      }
      const answer = webApiAnswer(method, body, () => ts++);
      res.end(JSON.stringify(answer));
    });
  });
  const wss = new WebSocketServer({ server, path: '/link/' });
  wss.on('connection', (ws) => {
    socket = ws;
    standIn.connections++;
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (!ack.envelope_id || standIn.loseAcks) return;
      if (standIn.loseAnswers && ack.payload !== undefined) {
        standIn.lost.push({ envelope_id: ack.envelope_id, payload: ack.payload });
        return;
      }
      standIn.acks.push({ envelope_id: ack.envelope_id, payload: ack.payload, at: performance.now() });
      unacked.delete(ack.envelope_id);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'stand-in', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A1' },
      }),
    );
    hellos++;
    for (const w of waiting.filter((x) => hellos >= x.n)) w.resolve();
    // What was sent and not acknowledged is sent again, as a retry.
    for (const envelope of unacked.values()) {
      envelope.retry_attempt++;
      envelope.retry_reason = 'timeout';
      ws.send(JSON.stringify(envelope));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standIn: SocketStandIn = {
    apiUrl: `${base}/api/`,
    responseUrl: `${base}/response/1`,
    calls: [],
    acks: [],
    connections: 0,
    loseAcks: false,
    loseAnswers: false,
    lost: [],
    sentAt: new Map(),
    send(type, payload) {
      const envelope: Envelope = {
        envelope_id: randomUUID(),
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: 0,
        retry_reason: '',
      };
      unacked.set(envelope.envelope_id, envelope);
      standIn.sentAt.set(envelope.envelope_id, performance.now());
      if (socket?.readyState === 1) socket.send(JSON.stringify(envelope));
      return envelope.envelope_id;
    },
    refresh(reason = 'refresh_requested') {
      socket?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'stand-in' } }));
    },
    drop() {
      socket?.terminate();
      socket = undefined;
    },
    connected: (n) => new Promise<void>((resolve) => (hellos >= n ? resolve() : waiting.push({ n, resolve }))),
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}
