// Slack's side of the bot bench, in its own process as Slack would be: the Web API stand-in the bot
// posts to, and the load generator that sends signed `/jcb run` requests at once and times each 200, or each
// whole thread (from the request sent to the last message posted in its channel).
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startSlackStandIn } from './slack-stand-in.js';

type Burst = { kind: 'burst'; url: string; secret: string; count: number; text: string };
/** `count` requests at once from distinct users in distinct channels, each awaited until `posts` messages are in its channel. */
type Threads = Omit<Burst, 'kind'> & { kind: 'threads'; round: string; posts: number };
type Order = Burst | Threads | { kind: 'posted' };

const slack = await startSlackStandIn();
let sent = 0;

async function signed(o: Omit<Burst, 'kind'>, i: number, channel = 'C1'): Promise<number> {
  const body = new URLSearchParams({
    command: '/jcb',
    text: o.text,
    user_id: `U${i}`,
    channel_id: channel,
    team_id: 'T1',
    response_url: slack.responseUrl,
    // Each request its own delivery: the bot answers a trigger id once (a repeated one is Slack retrying).
    trigger_id: `t${++sent}-${i}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', o.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const start = performance.now();
  const res = await fetch(o.url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
  });
  await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - start;
}

/** Milliseconds from each request sent to the last of its thread's `posts` messages (Infinity if not all came in 60 s). */
async function threads(o: Threads): Promise<number[]> {
  const channels = Array.from({ length: o.count }, (_, i) => `C-${o.round}-${i}`);
  const start = performance.now();
  await Promise.all(channels.map((c, i) => signed(o, i, c)));
  const postsIn = (c: string) => slack.calls.filter((k) => k.method === 'chat.postMessage' && k.body.channel === c);
  while (performance.now() - start < 60_000 && channels.some((c) => postsIn(c).length < o.posts))
    await new Promise((r) => setTimeout(r, 10));
  return channels.map((c) =>
    postsIn(c).length < o.posts ? Infinity : Math.max(...postsIn(c).map((k) => k.at)) - start,
  );
}

process.on('message', async (o: Order) => {
  if (o.kind === 'posted') process.send!(slack.calls.filter((c) => c.method === 'chat.postMessage').length);
  else if (o.kind === 'threads') process.send!(await threads(o));
  else process.send!(await Promise.all(Array.from({ length: o.count }, (_, i) => signed(o, i))));
});
process.send!({ apiUrl: slack.apiUrl });
