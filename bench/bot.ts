// `npm run bench` (part 3): the Slack bot. Its resident memory once started (target: under 200 MB, the
// tokenizer loaded only when a ROUGE score is needed), and the p50/p99 time to acknowledge 50
// concurrent signed `/jcb run` requests on loopback (target: p99 under 100 ms).
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBot } from '../handlers/app.js';
import { startSlackStandIn } from './slack-stand-in.js';

const SECRET = 'bench-signing-secret';
const slack = await startSlackStandIn();
const bot = createBot({
  ...process.env,
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.apiUrl,
  SLACK_APP_TOKEN: '',
  PORT: '0',
  JCB_BOT_RATE_PER_MINUTE: '1000',
  JCB_STORE: path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-bot-bench-')), 'jcb.sqlite'),
});
const server = (await bot.start())!;
const rssStarted = process.memoryUsage().rss;
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

async function signedRun(i: number): Promise<number> {
  const body = new URLSearchParams({
    command: '/jcb',
    text: 'run mr llm-jp random',
    user_id: `U${i}`,
    channel_id: 'C1',
    team_id: 'T1',
    response_url: slack.responseUrl,
    trigger_id: `t${i}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const start = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
  });
  await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - start;
}

// Warm-up: the first run loads the release and opens the store; wait for its thread to be posted.
await signedRun(-1);
for (let i = 0; i < 400 && slack.calls.filter((c) => c.method === 'chat.postMessage').length < 4; i++) {
  await new Promise((r) => setTimeout(r, 25));
}
const latencies = (await Promise.all(Array.from({ length: 50 }, (_, i) => signedRun(i)))).sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
// Let the work behind the acknowledgements finish: 51 runs × (parent + 3 replies).
for (let i = 0; i < 400 && slack.calls.filter((c) => c.method === 'chat.postMessage').length < 51 * 4; i++) {
  await new Promise((r) => setTimeout(r, 25));
}
console.log('Slack bot (HTTP receiver, stand-in Web API on loopback)');
console.log(`  RSS once started                      ${Math.round(rssStarted / 2 ** 20)} MB  (target < 200 MB)`);
console.log(`  ack of 50 concurrent signed /jcb run  p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms  (target p99 < 100 ms)`);
console.log(`  messages posted after the acks        ${slack.calls.filter((c) => c.method === 'chat.postMessage').length}`);
await bot.stop();
await slack.close();
