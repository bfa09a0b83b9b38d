// Keeps the progress messages of queued runs up to date (chat.update, at most once a second each), and
// posts the final scores in their thread. Runs being watched are kept in the store, so a restarted bot
// picks them up again.
import type { WebClient } from '@slack/web-api';
import type { Services } from '../src/services.js';
import { digestMessage } from './blocks/digest.js';
import { finalScoresMessage, progressMessage } from './blocks/progress.js';

const ENDED = new Set(['finished', 'cancelled', 'interrupted']);

export function trackProgress(
  services: Services,
  client: WebClient,
  log: (err: unknown) => void,
  everyMs = 1000,
): () => void {
  const shown = new Map<string, string>();
  let busy = false;
  /** A schedule's runs are watched under `digest:<schedule>`: when they have all ended, its digest is posted. */
  const digests = async () => {
    const watched = await services.watched('digest:');
    for (const schedule of new Set(watched.map((w) => w.target.slice('digest:'.length)))) {
      const runs = watched.filter((w) => w.target === `digest:${schedule}`);
      const states = await Promise.all(runs.map(async (w) => (await services.status(w.run_id))[0].run.status));
      if (!states.every((s) => ENDED.has(s))) continue;
      for (const d of await services.digest(schedule)) {
        const m = digestMessage(d);
        await client.chat.postMessage({ channel: d.channel, text: m.text, blocks: m.blocks });
      }
      for (const w of runs) await services.unwatch(w.run_id);
    }
  };

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await digests();
      for (const w of await services.watched('slack:')) {
        const channel = w.target.slice('slack:'.length);
        const [progress] = await services.status(w.run_id);
        const message = progressMessage(progress);
        if (shown.get(w.run_id) !== message.text) {
          await client.chat.update({ channel, ts: w.message_id, text: message.text, blocks: message.blocks });
          shown.set(w.run_id, message.text);
        }
        if (ENDED.has(progress.run.status)) {
          if (progress.run.status === 'finished') {
            const final = finalScoresMessage(progress);
            await client.chat.postMessage({ channel, thread_ts: w.message_id, text: final.text, blocks: final.blocks });
          }
          await services.unwatch(w.run_id);
          shown.delete(w.run_id);
        }
      }
    } catch (err) {
      log(err);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
