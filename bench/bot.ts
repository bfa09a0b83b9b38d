// `npm run bench` (part 3): the Slack bot. Its resident memory once started (target: under 200 MB, the
// tokenizer loaded only when a ROUGE score is needed), and the p50/p99 time to acknowledge 50
// concurrent signed `/jcb run` requests on loopback (target: p99 under 100 ms), and the same for Socket
// Mode envelopes. Slack's side of the HTTP part (the Web API stand-in and the load) runs in another process.
import { useHeapSetting } from '../src/base/lean-heap.js';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { benchBotEnv, SECRET, startSlackSide } from './slack-side-client.js';
import { startSocketStandIn } from './socket-stand-in.js';
useHeapSetting('waiting'); // the bot's V8 setting (`jcb bot`), set before its modules load
const { createBot } = await import('../handlers/app.js');

const { apiUrl, ask, stop: stopSlackSide } = await startSlackSide();

const bot = createBot(benchBotEnv(apiUrl, 'bot-bench', 1000));
const server = (await bot.start())!;
const rssStarted = process.memoryUsage().rss;
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

const burst = (count: number) =>
  ask<number[]>({ kind: 'burst', url, secret: SECRET, count, text: 'run mr llm-jp random' });
const posted = () => ask<number>({ kind: 'posted' });
const settle = async (n: number) => {
  for (let i = 0; i < 400 && (await posted()) < n; i++) await new Promise((r) => setTimeout(r, 25));
};

// Warm-up, as a bot that has been running a while: the first run loads the release and opens the
// store, the next bursts warm the JIT. Each waits for its threads (2 messages a run) to be posted.
await burst(1);
await settle(2);
for (let round = 1; round <= 3; round++) {
  await burst(50);
  await settle(2 + round * 100);
}
const latencies = (await burst(50)).sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
await settle(2 + 4 * 100);

console.log('Slack bot (HTTP receiver; Slack stand-in and load in another process, on loopback)');
console.log(`  RSS once started                      ${Math.round(rssStarted / 2 ** 20)} MB  (target < 200 MB)`);
console.log(
  `  ack of 50 concurrent signed /jcb run  p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms  (target p99 < 100 ms)`,
);
console.log(`  messages posted                       ${await posted()} (2 a run, 151 runs)`);

// Whole threads (issue 28): N people each `/jcb run` in a channel of their own at once; each thread timed from
// its request sent to the last of its messages posted (Slack allows about one post a second per channel, so the
// target is for distinct channels). The messages of a thread are counted on a first one.
const threadText = 'run hs-pn llm-jp random';
/** Waits until nothing more is posted for 2 s (the bursts above may still be answered on a busy machine). */
const quiet = async () => {
  for (let last = -1, still = 0; still < 8; await new Promise((r) => setTimeout(r, 250))) {
    const now = await posted();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return posted();
};
const beforeCount = await quiet();
await ask<number[]>({ kind: 'threads', url, secret: SECRET, count: 1, text: threadText, round: 'count', posts: 1 });
const perThread = (await quiet()) - beforeCount;
console.log(`  whole /jcb run thread (${perThread} messages; a ROUGE-L setting), ack → last reply, distinct channels:`);
for (const users of [1, 10, 30]) {
  const times = (
    await ask<number[]>({
      kind: 'threads',
      url,
      secret: SECRET,
      count: users,
      text: threadText,
      round: `u${users}`,
      posts: perThread,
    })
  ).sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
  console.log(
    `    ${String(users).padStart(2)} at once  p50 ${(q(0.5) / 1000).toFixed(2)} s, p95 ${(q(0.95) / 1000).toFixed(2)} s${users === 30 ? '  (target p95 ≤ 1.5 s)' : ''}`,
  );
}
await bot.stop();
stopSlackSide();

// Socket Mode: the same burst as envelopes from the loopback stand-in of Slack's Socket Mode service;
// an ack's latency is from the envelope sent to its ack received, by envelope id.
const socketSlack = await startSocketStandIn('xapp-bench');
const socketBot = createBot({
  ...process.env,
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_APP_TOKEN: 'xapp-bench',
  SLACK_API_URL: socketSlack.apiUrl,
  JCB_BOT_RATE_PER_MINUTE: '1000',
  JCB_STORE: path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-bot-bench-')), 'jcb.sqlite'),
});
await socketBot.start();
await socketSlack.connected(1);
const envelopes = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    socketSlack.send('slash_commands', {
      command: '/jcb',
      text: 'run mr llm-jp random',
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      response_url: socketSlack.responseUrl,
      trigger_id: `bench-${n}-${i}-${Math.random()}`,
    }),
  );
const socketPosts = () => socketSlack.calls.filter((c) => c.method === 'chat.postMessage').length;
const socketSettle = async (n: number) => {
  for (let i = 0; i < 400 && socketPosts() < n; i++) await new Promise((r) => setTimeout(r, 25));
};
for (let round = 0; round < 3; round++) {
  envelopes(50);
  await socketSettle((round + 1) * 100);
}
const ids = envelopes(50);
await socketSettle(4 * 100);
const acks = new Map(socketSlack.acks.map((a) => [a.envelope_id, a.at]));
const socketLatencies = ids.map((id) => (acks.get(id) ?? Infinity) - socketSlack.sentAt.get(id)!).sort((a, b) => a - b);
const socketAt = (q: number) => socketLatencies[Math.min(ids.length - 1, Math.floor(q * ids.length))];
console.log("Slack bot (Socket Mode; stand-in of Slack's Socket Mode service in this process, on loopback)");
console.log(
  `  ack of 50 concurrent /jcb run envelopes p50 ${socketAt(0.5).toFixed(1)} ms, p99 ${socketAt(0.99).toFixed(1)} ms  (target p99 < 100 ms)`,
);
await socketBot.stop();
await socketSlack.close();
