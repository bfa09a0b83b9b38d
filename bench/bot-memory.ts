// `npm run bench` (part 3c): the bot's memory (issue 28, target ≤ 150 MB), in a process of its own, with the V8
// setting of `jcb bot` (src/base/lean-heap.ts): once started, once its pool thread is warm, after one signed
// `/jcb run <setting> gpt-4o --shot <shot>` of each setting in both shots (each thread posted), and once its
// threads have ended idle and V8 has collected. Slack's side runs in another process. RSS is the process's;
// heapUsed is the main thread's V8 heap, external and arrayBuffers the memory outside it (the tokenizer's shared
// dictionary).
import { useHeapSetting } from '../src/base/lean-heap.js';
import type { AddressInfo } from 'node:net';
import os from 'node:os';

useHeapSetting('waiting'); // the bot's V8 setting (`jcb bot`), set before its modules load
const { createBot } = await import('../handlers/app.js');
const { TASKS } = await import('../tasks/index.js');
const { benchBotEnv, SECRET, startSlackSide } = await import('./slack-side-client.js');

const rows: string[] = [];
const sample = (label: string, target = '') => {
  const m = process.memoryUsage();
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`.padStart(7);
  rows.push(
    `  ${label.padEnd(48)} RSS ${mb(m.rss)}  heapUsed ${mb(m.heapUsed)}  external ${mb(m.external)}  arrayBuffers ${mb(m.arrayBuffers)}  load ${os.loadavg()[0].toFixed(1)}${target}`,
  );
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { apiUrl, ask, stop: stopSlackSide } = await startSlackSide();
const bot = createBot(benchBotEnv(apiUrl, 'bot-memory', 100000));
const server = (await bot.start())!;
sample('once started', '  (target ≤ 150 MB)');
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
const posted = () => ask<number>({ kind: 'posted' });
await pause(8_000);
sample('its pool thread warm (+8 s)');
let runs = 0;
for (const shot of ['one', 'zero'])
  for (const task of TASKS) {
    const before = await posted();
    await ask<number[]>({ kind: 'burst', url, secret: SECRET, count: 1, text: `run ${task.id} gpt-4o --shot ${shot}` });
    // A run's thread is two messages; waited for one run at a time (at most 60 s each).
    for (let i = 0; i < 2400 && (await posted()) < before + 2; i++) await pause(25);
    runs++;
  }
await pause(2_000);
sample(`after one run of each setting (${runs}, both shots)`, '  (target ≤ 150 MB)');
// Threads end 30 s idle; V8 collects the runs' garbage (and the dictionary they left) on its own some 20–30 s later.
await pause(70_000);
sample('idle: threads ended, garbage collected (+70 s)');
console.log('Slack bot memory (HTTP receiver, jcb bot\'s V8 setting; Slack stand-in in another process)');
for (const row of rows) console.log(row);
console.log(`  messages posted ${await posted()} (2 a run)`);
await bot.stop();
stopSlackSide();
