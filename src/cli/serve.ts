// The long-running commands: the Slack bot and a queue worker, started by the program (src/cli/program.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { repeatedLines } from '../base/repeats.js';
import { checkQueueSettings, queueNumber } from '../queue/settings.js';
import { storeCause, StoreError } from '../store/errors.js';
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
  await storeAtStart(services, log);
  const worker = await services.startWorker(concurrency ?? 2, log);
  log(`taking evaluation jobs (${concurrency ?? 2} at a time).`);
  const graceMs = queueNumber(process.env, 'JCB_SHUTDOWN_GRACE_MS');
  /** Said in one line, never an unhandled rejection's trace; its jobs are taken again once their locks expire. */
  const failed = (err: unknown) => (log(`could not stop cleanly: ${(err as Error)?.message ?? err}`), process.exit(1));
  const stop = (signal: NodeJS.Signals) => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    log(`${signal}: finishing the documents in flight (up to ${graceMs / 1000} s), handing the rest back.`);
    // Closing the queue's connections rejects the commands Bull's own polling still had queued on them with
    // ioredis's "Connection is closed.", which nothing catches (vitest.config.ts ignores the same at teardown): on
    // a loaded machine the worker died of it with a trace, exit 1, after a clean stop. While stopping, expected.
    process.on('unhandledRejection', (reason) =>
      reason instanceof Error && reason.message === 'Connection is closed.' ? undefined : failed(reason),
    );
    setTimeout(() => process.exit(1), graceMs).unref();
    void worker
      .stop(graceMs)
      .then(() => services.close())
      .then(() => process.exit(0), failed);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Opens the store before taking jobs. A store that is away for now (PostgreSQL down, restarting, refusing or
 * dropping connections) is waited for, as a running worker rides out an outage: a fleet restarted with its database
 * starts once the database does. Said once a minute; anything else (a wrong password, no such database, a bad
 * JCB_STORE) ends the command at once with the store's one line.
 */
async function storeAtStart(services: ReturnType<typeof createServices>, log: (m: string) => void): Promise<void> {
  const repeats = repeatedLines();
  let waited = false;
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      await services.storeLocation();
      if (waited) log('the store is back.');
      return;
    } catch (err) {
      const cause = storeCause(err);
      if (!cause?.transient) throw err;
      const what =
        err instanceof StoreError ? err.message.replace(/\.$/, '') : `The store is unavailable: ${cause.cause}`;
      const line = `${what}; waiting for it before taking jobs (Ctrl-C to stop).`;
      if (repeats.first(line)) log(line);
      waited = true;
      await sleep(delay);
    }
  }
}
