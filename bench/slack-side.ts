// Slack's side of the bot bench, in its own process as Slack would be: the Web API stand-in the bot
// posts to, and the load generator that sends signed `/jcb run` requests at once and times each 200.
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startSlackStandIn } from './slack-stand-in.js';

type Order = { kind: 'burst'; url: string; secret: string; count: number; text: string } | { kind: 'posted' };

const slack = await startSlackStandIn();

async function signed(o: Extract<Order, { kind: 'burst' }>, i: number): Promise<number> {
  const body = new URLSearchParams({
    command: '/jcb',
    text: o.text,
    user_id: `U${i}`,
    channel_id: 'C1',
    team_id: 'T1',
    response_url: slack.responseUrl,
    trigger_id: `t${i}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', o.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const start = performance.now();
  const res = await fetch(o.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
  });
  await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - start;
}

process.on('message', async (o: Order) => {
  if (o.kind === 'posted') process.send!(slack.calls.filter((c) => c.method === 'chat.postMessage').length);
  else process.send!(await Promise.all(Array.from({ length: o.count }, (_, i) => signed(o, i))));
});
process.send!({ apiUrl: slack.apiUrl });
