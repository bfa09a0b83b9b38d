// The long-running commands: the Slack bot and a queue worker, started by the program (src/cli/program.ts).
import { checkQueueSettings, queueNumber } from '../queue/settings.js';
import type { createServices } from '../services/index.js';

/** Starts the Slack bot; it runs until the process is stopped. Bolt is loaded only for this command. */
export async function startBot(): Promise<void> {
  checkQueueSettings(process.env); // a bad REDIS_URL or queue number: one line, before anything starts
  const { createBot } = await import('../../handlers/app.js');
  const bot = createBot(process.env);
  await bot.start();
  const mode = bot.config.appToken ? 'Socket Mode' : `HTTP on port ${bot.config.port} (POST /slack/events)`;
  process.stderr.write(`jcb bot: listening, ${mode}.\n`);
  const stop = () => void bot.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Takes evaluation jobs until stopped. SIGTERM/SIGINT: the documents in flight finish (or are aborted
 * at the end of the grace period, JCB_SHUTDOWN_GRACE_MS, default 30 s), the rest of each job goes back
 * to the queue at once, and the process exits within the grace period.
 */
export async function startWorker(
  services: ReturnType<typeof createServices>,
  concurrency: number | undefined,
): Promise<void> {
  const log = (m: string) => process.stderr.write(`jcb worker: ${m}\n`);
  checkQueueSettings(process.env);
  await services.storeLocation(); // fails now, with a clear message, if the store cannot be opened
  const worker = await services.startWorker(concurrency ?? 2, log);
  log(`taking evaluation jobs (${concurrency ?? 2} at a time).`);
  const graceMs = queueNumber(process.env, 'JCB_SHUTDOWN_GRACE_MS');
  const stop = (signal: NodeJS.Signals) => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    log(`${signal}: finishing the documents in flight (up to ${graceMs / 1000} s), handing the rest back.`);
    setTimeout(() => process.exit(1), graceMs).unref();
    void worker
      .stop(graceMs)
      .then(() => services.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
