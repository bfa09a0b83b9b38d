// `npm run bench` (part 3b): acknowledgements while the bot works (issue 28). Right after start, while its
// worker threads warm up, the bot computes the paper's leaderboard (every released file scored) and renders
// its first chart; meanwhile Slack's side (another process) sends signed `/jcb help` one after another and
// times each ack (target: every ack under 100 ms). Also the bot's RSS once started, its peak while the chart
// renders (sampled every 20 ms), right after the chart, and once the chart's thread has ended (with when).
import { useHeapSetting } from '../src/base/lean-heap.js';
import type { AddressInfo } from 'node:net';
import { benchBotEnv, SECRET, startSlackSide } from './slack-side-client.js';
useHeapSetting('waiting'); // the bot's V8 setting (`jcb bot`), set before its modules load
const { createBot } = await import('../handlers/app.js');
const { createServices } = await import('../src/services/index.js');

const { apiUrl, ask, stop: stopSlackSide } = await startSlackSide();
const env = benchBotEnv(apiUrl, 'acks-bench', 100000);
const services = createServices({ env });
const bot = createBot(env, services);
const server = (await bot.start())!;
const rssStarted = process.memoryUsage().rss;
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
const help = async () => (await ask<number[]>({ kind: 'burst', url, secret: SECRET, count: 1, text: 'help' }))[0];

await help(); // the process's first request (Bolt's and undici's first use) is not what is measured
const started = performance.now();
let working = true;
let chartMs = 0;
let renderMs = 0;
const rss = () => process.memoryUsage.rss();
let peakWork = 0;
let peakRender = 0;
let rendering = false;
let rssBeforeChart = 0;
const sampler = setInterval(() => {
  const now = rss();
  peakWork = Math.max(peakWork, now);
  if (rendering) peakRender = Math.max(peakRender, now);
}, 20);
const work = services
  .leaderboard('one')
  .then((board) => {
    rssBeforeChart = rss();
    rendering = true;
    renderMs = performance.now();
    return services.leaderboardChart(board);
  })
  .then(() => {
    rendering = false;
    chartMs = performance.now() - started;
    renderMs = performance.now() - renderMs;
  })
  .finally(() => (working = false));
const acks: number[] = [];
while (working || acks.length < 24) {
  acks.push(await help());
  await new Promise((r) => setTimeout(r, 50));
}
await work;
const rssAfter = rss();
const chartDone = performance.now();
// The chart's thread ends HEAVY_THREAD_IDLE_MS after its chart; its isolate is disposed on its exit.
while (services.chartThreads() > 0) await new Promise((r) => setTimeout(r, 50));
const threadEndedMs = performance.now() - chartDone;
await new Promise((r) => setTimeout(r, 200));
const rssThreadEnded = rss();
clearInterval(sampler);
// The pool's threads (the leaderboard's scoring) end once idle 30 s (THREAD_IDLE_MS), the bot at rest after.
while (services.poolThreads() > 0) await new Promise((r) => setTimeout(r, 100));
const allEndedMs = performance.now() - chartDone;
await new Promise((r) => setTimeout(r, 1500)); // the bot's idle collection (a second after its last work)
const rssAllEnded = rss();
acks.sort((a, b) => a - b);
const at = (q: number) => acks[Math.min(acks.length - 1, Math.floor(q * acks.length))];
console.log(
  'Acknowledgements while the bot works (pool of worker threads; Slack stand-in and load in another process)',
);
console.log(
  `  first leaderboard (every released file scored) and its chart, from start: ${(chartMs / 1000).toFixed(1)} s, threads warming up meanwhile`,
);
console.log(
  `  ${acks.length} acks of /jcb help meanwhile   p50 ${at(0.5).toFixed(1)} ms, max ${acks.at(-1)!.toFixed(1)} ms, ${acks.filter((a) => a >= 100).length} over 100 ms  (target: every ack < 100 ms)`,
);
console.log(`  bot RSS once started               ${Math.round(rssStarted / 2 ** 20)} MB`);
const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
console.log(`  bot RSS peak during that work      ${mb(peakWork)} (sampled every 20 ms)`);
console.log(
  `  bot RSS before the chart, peak during its render (${(renderMs / 1000).toFixed(2)} s), right after   ${mb(rssBeforeChart)}, ${mb(peakRender)}, ${mb(rssAfter)}`,
);
console.log(
  `  bot RSS once the chart's thread ended (${(threadEndedMs / 1000).toFixed(1)} s after the chart, +0.2 s)   ${mb(rssThreadEnded)}  (target ≤ 150 MB)`,
);
console.log(
  `  bot RSS once every thread ended (${(allEndedMs / 1000).toFixed(1)} s after the chart, +1.5 s)   ${mb(rssAllEnded)}`,
);
await bot.stop();
stopSlackSide();
