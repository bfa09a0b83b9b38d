// Keeps the progress messages of queued runs up to date and posts the final scores in their thread.
// Edits are coalesced: a message is edited only when what it says has changed (documents, failures,
// state, cause; not the clock), at most once every 3 s, except the final state, which is shown at once
// (chat.update is rate-limited, about 50 a minute per workspace). Runs being watched are kept in the
// store, so a restarted bot picks them up again. Each run is updated on its own: one whose message is
// gone is dropped, one that Slack rate-limits waits as told, and neither holds up the others. The
// evaluation never waits for any of this: workers store documents; this only reads the store.
import { ErrorCode, WebClient } from '@slack/web-api';
import type { RunProgress, Services } from '../src/services/index.js';
import { digestMessage } from './blocks/digest.js';
import { ENDED, finalScoresMessage, progressMessage } from './blocks/progress.js';

/** Errors after which a run's message can never be updated again (api.slack.com/methods/chat.update). */
const PERMANENT = new Set(['message_not_found', 'channel_not_found', 'is_archived', 'cant_update_message']);

/**
 * A Web API client for progress updates: a rate-limited call fails at once with Slack's Retry-After
 * (instead of sleeping inside the client and holding up every other run), nothing is retried in place
 * (the next tick is the retry).
 */
export function progressClient(token: string, slackApiUrl?: string): WebClient {
  return new WebClient(token, { slackApiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
}

/** What a progress message says apart from the clock: a message is edited only when this changes. */
const progressKey = (p: RunProgress) =>
  JSON.stringify([
    p.done,
    p.failed,
    p.run.status,
    p.cause ?? null,
    Boolean(p.stalledSince),
    p.budget?.spentUsd ?? null,
  ]);

/**
 * Follows the watched runs every `everyMs`; edits a run's message at most once per `minGapMs` (the
 * final state at once) and only when its content changed; posts each schedule's digest once (across
 * bots sharing the store, the one that closes the watch posts). Returns the function that stops it.
 */
export function trackProgress(
  services: Services,
  client: WebClient,
  log: (err: unknown) => void,
  everyMs = 1000,
  minGapMs = 3000,
): () => void {
  const shown = new Map<string, string>();
  /** Per run: when its message was last edited (ms). */
  const editedAt = new Map<string, number>();
  /** Per run: not before this time (ms), after a 429's Retry-After. */
  const waitUntil = new Map<string, number>();
  let busy = false;
  /** A schedule's runs are watched under `digest:<schedule>`: when they have all ended, its digest is posted. */
  const digests = async () => {
    const watched = await services.watched('digest:');
    for (const schedule of new Set(watched.map((w) => w.target.slice('digest:'.length)))) {
      const runs = watched.filter((w) => w.target === `digest:${schedule}`);
      const states = await Promise.all(runs.map((w) => services.runState(w.run_id)));
      // A run deleted from the store does no more work either.
      if (!states.every((s) => s === undefined || ENDED.has(s))) continue;
      // Another bot on the same store may be here too: only the one that closes the first watch posts.
      const [first, ...rest] = runs;
      const mine = await services.unwatch(first.run_id);
      for (const w of rest) await services.unwatch(w.run_id);
      if (!mine) continue;
      for (const d of await services.digest(schedule)) {
        const m = digestMessage(d);
        await client.chat.postMessage({ channel: d.channel, text: m.text, blocks: m.blocks });
      }
    }
  };

  /** Runs whose final scores are in their thread (the final edit may still wait for a 429's Retry-After). */
  const posted = new Set<string>();

  const update = async (w: { run_id: string; target: string; message_id: string }) => {
    const channel = w.target.slice('slack:'.length);
    const limited = (waitUntil.get(w.run_id) ?? 0) > Date.now();
    const ended = async () => ENDED.has((await services.runState(w.run_id)) ?? '');
    // Not yet time for another edit (the final state is not held back: checked once more, cheaply).
    if ((limited || Date.now() - (editedAt.get(w.run_id) ?? 0) < minGapMs) && !(await ended())) return;
    const [progress] = await services.status(w.run_id);
    const key = progressKey(progress);
    if (!limited && shown.get(w.run_id) !== key) {
      const message = progressMessage(progress);
      try {
        await client.chat.update({ channel, ts: w.message_id, text: message.text, blocks: message.blocks });
        shown.set(w.run_id, key);
        editedAt.set(w.run_id, Date.now());
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number };
        if (e.code !== ErrorCode.RateLimitedError) throw err;
        // A 429 delays this message's edit only, as long as Slack says; the final scores below go now.
        waitUntil.set(w.run_id, Date.now() + (e.retryAfter ?? 1) * 1000);
      }
    }
    if (!ENDED.has(progress.run.status)) return;
    if (progress.run.status === 'finished' && !posted.has(w.run_id)) {
      const final = finalScoresMessage(progress);
      await client.chat.postMessage({ channel, thread_ts: w.message_id, text: final.text, blocks: final.blocks });
      posted.add(w.run_id);
    }
    if (shown.get(w.run_id) === key) await forget(w.run_id);
  };

  const forget = async (runId: string) => {
    await services.unwatch(runId);
    shown.delete(runId);
    editedAt.delete(runId);
    waitUntil.delete(runId);
    posted.delete(runId);
  };

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await digests();
      for (const w of await services.watched('slack:')) {
        try {
          await update(w);
        } catch (err) {
          const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
          if (e.code === ErrorCode.RateLimitedError) {
            waitUntil.set(w.run_id, Date.now() + (e.retryAfter ?? 1) * 1000);
          } else if (e.data?.error && PERMANENT.has(e.data.error)) {
            log(
              new Error(`run ${w.run_id}: its progress message cannot be updated (${e.data.error}); no longer shown`),
            );
            await forget(w.run_id);
          } else log(err);
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
