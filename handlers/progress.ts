// Keeps the progress messages of queued runs up to date and posts the final scores in their thread.
// Edits are coalesced: a message is edited only when what it says has changed (documents, failures,
// state, cause; not the clock), at most once every 3 s, except the final state, which is shown at once
// (chat.update is rate-limited, about 50 a minute per workspace). Runs being watched are kept in the
// store, so a restarted bot picks them up again. Each run is updated on its own: one whose message is
// gone is dropped, one that Slack rate-limits waits as told, and neither holds up the others. Every call
// here (the edit, the final scores, a digest) that Slack answers 429 is asked again only after the
// Retry-After it named, and only that call waits. A digest waiting to be posted is kept in the store (its
// schedule's first watch, moved to `digest-due:<schedule>` with the time it is due), so that a bot restarted
// meanwhile posts it. The evaluation never waits for any of this: workers store documents; this only reads the store.
// A digest and a run's final scores are posted once, even when a bot dies after Slack took the post but before
// its row was closed, and however many bots share the store: the row is claimed (compare-and-set) and marked
// before the post with a marker the message carries (its metadata), and a bot taking a row so marked (its hold
// over) looks for that marker in the channel's history, or the run's thread, before posting (postedBefore).
import { randomUUID } from 'node:crypto';
import { ErrorCode, WebClient } from '@slack/web-api';
import type { RunProgress, Services } from '../src/services/index.js';
import { UserError } from '../src/base/errors.js';
import { digestMessage } from './blocks/digest.js';
import { ENDED, finalScoresMessage, progressMessage } from './blocks/progress.js';
import { withRetryBudget } from '../src/store/retry.js';

/** A digest being posted is held this long by the bot posting it; one that died meanwhile leaves it to the next. */
const DIGEST_LEASE_MS = 60_000;
/** A digest whose post failed in a way that may pass is tried again this many polls later (30 s at 1 s). */
const TRANSIENT_RETRY_POLLS = 30;
/** The metadata event type of a digest's message (Slack: alphanumeric and underscores). */
export const DIGEST_EVENT = 'jcb_digest';
/**
 * The posting marker a digest's row carries, the end of its message id: `<at>:<nonce>:posting-<made, ms>-<uuid>`.
 * Its time bounds the history read for it, however long the row then waited (bots down for a day).
 */
const POSTING = /:(posting-(\d+)-[0-9a-f-]{36})$/;
/** A new posting marker for a digest (see POSTING). */
export const postingMarker = () => `posting-${Date.now()}-${randomUUID()}`;
/** The metadata event type of a run's final scores, posted in its thread. */
export const FINAL_EVENT = 'jcb_final_scores';
/**
 * A run's watch marked before its final scores are posted: `<at>:<nonce>:final-<ts>-<made, ms>-<uuid>` (`at`: until
 * when the bot that marked it holds it; `ts`: the progress message's, which the unmarked watch holds).
 */
const FINAL = /:(final-(.+)-(\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** A new final-scores marker for the run whose progress message is `ts` (see FINAL). */
export const finalMarker = (ts: string) => `final-${ts}-${Date.now()}-${randomUUID()}`;
/** History pages read for a marker (200 messages each, since the marker was made), before posting anyway. */
const HISTORY_PAGES = 5;
/** Slack's clock may be behind this host's: the history is read from this long before the marker was made. */
const CLOCK_SLACK_S = 600;

/** Slack refused the call for good (channel_not_found, not_in_channel, invalid_auth…), or the request is wrong. */
const refusedForGood = (err: unknown): boolean =>
  (err as { code?: string }).code === ErrorCode.PlatformError || err instanceof UserError;

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

/** Slack's Retry-After in ms when `err` is a rate-limited call (1 s when Slack named none), else undefined. */
function retryAfterMs(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number };
  return e.code === ErrorCode.RateLimitedError ? (e.retryAfter ?? 1) * 1000 : undefined;
}

/** A page of a channel's history or of a thread (conversations.history, conversations.replies). */
type Page = {
  messages?: { metadata?: { event_type?: string; event_payload?: unknown } }[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
};

/**
 * Whether a message carrying `marker` as `eventType` (in its metadata) is among the pages `read` gives (since the
 * marker was made): a bot that died after Slack took a post left its row marked. False, logged, when Slack will
 * not say. Errors: a failure that may pass (the network, 5xx, 429) is thrown, to be tried again, the marker kept.
 */
async function postedBefore(
  read: (cursor: string | undefined) => Promise<Page>,
  eventType: string,
  marker: string,
  log: (err: unknown) => void,
): Promise<boolean> {
  let cursor: string | undefined;
  try {
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const res = await read(cursor);
      const found = res.messages?.some(
        (m) =>
          m.metadata?.event_type === eventType &&
          (m.metadata.event_payload as Record<string, unknown> | undefined)?.marker === marker,
      );
      if (found) return true;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) return false;
    }
    return false;
  } catch (err) {
    if (!refusedForGood(err)) throw err;
    // The history cannot be read (no channels:history or groups:history scope, a channel the bot was not
    // added to: chat:write.public posts there all the same). Then it is posted: a message perhaps posted
    // twice rather than one perhaps never posted. Said in the log, with Slack's error.
    log(err);
    return false;
  }
}

/** The oldest time (s, as Slack's `oldest`) a marker made at `madeMs` is looked for from. */
const since = (madeMs: number) => String(Math.floor(madeMs / 1000) - CLOCK_SLACK_S);

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
 * What the progress messages this process posted said (progressKey, by run): the first pass of the tracker does
 * not edit a message just posted to say the same again (breaker-slack finding 12). Kept until the run is followed.
 */
const postedShows = new Map<string, string>();

/** Notes the progress a message just posted shows (evaluateInBackground). */
export function notePosted(p: RunProgress): void {
  postedShows.set(p.run.id, progressKey(p));
  if (postedShows.size > 10_000) postedShows.delete(postedShows.keys().next().value!);
}

/** How long a pass of the tracker retries a store call that fails for want of the store. */
const TRACKER_STORE_RETRY_MS = 5_000;

/**
 * Follows the watched runs every `everyMs`; edits a run's message at most once per `minGapMs` (the
 * final state at once) and only when its content changed; posts each schedule's digest once (across
 * bots sharing the store, the one that moved its watch, then took it for the post) and each run's final scores
 * once (the one that claimed its watch): held `leaseMs`, then another bot may take either, and posts it only if
 * the channel (the thread) does not hold it already. Returns the function that stops it,
 * resolving once a pass under way has ended (so that what it uses, the store, may then be closed).
 */
export function trackProgress(
  services: Services,
  client: WebClient,
  log: (err: unknown) => void,
  everyMs = 1000,
  minGapMs = 3000,
  leaseMs = DIGEST_LEASE_MS,
): () => Promise<void> {
  const shown = new Map<string, string>();
  /** Per run: when its message was last edited (ms). */
  const editedAt = new Map<string, number>();
  /** Per run and call (`update`, `post`): not before this time (ms), after a 429's Retry-After. */
  const waitUntil = new Map<string, number>();
  const waitKey = (runId: string, call: 'update' | 'post') => `${runId}\u0000${call}`;
  const waiting = (runId: string, call: 'update' | 'post') => (waitUntil.get(waitKey(runId, call)) ?? 0) > Date.now();
  let busy = false;
  /**
   * Claims a watch for a post of its own (a digest, a run's final scores): its message id becomes `<until>:<nonce>:
   * <marker>`, held `leaseMs`, only if no other bot changed it meanwhile; the new id, or undefined when one did.
   */
  const claimWatch = (w: { run_id: string; target: string; message_id: string }, marker: string) =>
    services.moveWatch(w.run_id, { target: w.target, messageId: w.message_id }, w.target, Date.now() + leaseMs, marker);
  /**
   * A schedule's runs are watched under `digest:<schedule>`: when they have all ended, its digest is due. The
   * pending post is durable: the first watch moves to `digest-due:<schedule>`, its message id the time it is
   * due (ms); only the bot whose move succeeded owns it (bots sharing the store post once).
   */
  const digests = async () => {
    const watched = await services.watched('digest:');
    const pending = new Set((await services.watched('digest-due:')).map((w) => w.target));
    for (const schedule of new Set(watched.map((w) => w.target.slice('digest:'.length)))) {
      const runs = watched.filter((w) => w.target === `digest:${schedule}`);
      const states = await Promise.all(runs.map((w) => services.runState(w.run_id)));
      // A run deleted from the store does no more work either.
      if (!states.every((s) => s === undefined || ENDED.has(s))) continue;
      // A digest of the schedule still waits (a 429): made when posted, it reports these runs too; one post.
      if (pending.has(`digest-due:${schedule}`)) {
        for (const w of runs) await services.unwatch(w.run_id);
        continue;
      }
      const [first, ...rest] = runs;
      await services.moveWatch(first.run_id, { target: first.target }, `digest-due:${schedule}`, Date.now());
      for (const w of rest) await services.unwatch(w.run_id);
    }
    for (const due of await services.watched('digest-due:')) {
      if (Number.parseInt(due.message_id, 10) > Date.now()) continue; // a 429's Retry-After, or another bot's lease
      // A row marked by an earlier try (this bot's or a dead one's) may have been posted: its marker is kept, and
      // looked for in the channel before posting. Else a new one, made (with its time) before the post.
      const earlier = POSTING.exec(due.message_id);
      const marker = earlier?.[1] ?? postingMarker();
      const lease = await claimWatch(due, marker);
      if (!lease) continue; // another bot took it
      const schedule = due.target.slice('digest-due:'.length);
      let posted = false;
      try {
        // Made now (a restarted bot makes it as the first would have), recorded as the last digest once posted.
        const [digest] = await services.digest(schedule, undefined, { record: false });
        const message = digestMessage(digest);
        const already =
          earlier !== null &&
          (await postedBefore(
            (cursor) =>
              client.conversations.history({
                channel: digest.channel,
                oldest: since(Number(earlier[2])),
                limit: 200,
                include_all_metadata: true, // else Slack leaves the metadata out
                cursor,
              }),
            DIGEST_EVENT,
            marker,
            log,
          ));
        // Posted by the bot itself: its private tasks recorded as shown (scores only) in that channel.
        const who = { user: 'jcb', act: `digest ${schedule}`, place: `slack:${digest.channel}` };
        await services.accessScope(who, 'scores', async () => {
          if (!already) {
            await client.chat.postMessage({
              channel: digest.channel,
              text: message.text,
              blocks: message.blocks,
              metadata: { event_type: DIGEST_EVENT, event_payload: { schedule, marker } },
            });
          }
          posted = true;
          // Once posted (a 429 is tried again); found posted, by a bot that may have died before noting it.
          services.noteShown(digest);
        });
        await services.recordDigest(digest);
        await services.unwatch(due.run_id);
      } catch (err) {
        // Tried again: after a 429's Retry-After, or a while after a failure that may pass (the network, Slack's
        // 5xx, the store past its own retries). Dropped: one Slack refused for good (a channel the bot is not in),
        // or one after Slack took the post (never posted twice; its record is what failed, logged).
        const limited = retryAfterMs(err);
        if (limited === undefined) log(err);
        const wait = limited ?? (posted || refusedForGood(err) ? undefined : TRANSIENT_RETRY_POLLS * everyMs);
        // The marker is kept when a try may have reached Slack: a post that failed on its way back (a timeout, a
        // 5xx), or an earlier try's. Only a first try that Slack answered 429 surely posted nothing.
        const keep = earlier !== null || limited === undefined ? marker : undefined;
        await (
          wait === undefined
            ? services.unwatch(due.run_id)
            : services.moveWatch(
                due.run_id,
                { target: due.target, messageId: lease },
                due.target,
                Date.now() + wait,
                keep,
              )
        ).catch(log);
      }
    }
  };

  /** Runs whose final scores are in their thread (the final edit may still wait for a 429's Retry-After). */
  const posted = new Set<string>();

  /** Per run: the mark of this bot's claim on its final scores, while no try of it can have reached Slack (a 429). */
  const claimed = new Map<string, string>();

  /**
   * Posts `progress`'s final scores in the thread of `ts` once, across bots and restarts: the watch is claimed
   * (a compare-and-set of its message id, marked with a marker the post carries in its metadata) before the post;
   * a claim another bot holds is left to it; one left by a bot that died or failed (its hold over) is taken, and
   * the thread is looked in for its marker first. Errors: a 429 (asked again after its Retry-After), the rest.
   */
  const postFinal = async (
    w: { run_id: string; target: string; message_id: string },
    channel: string,
    ts: string,
    progress: RunProgress,
  ) => {
    const earlier = FINAL.exec(w.message_id);
    const ours = claimed.get(w.run_id) === w.message_id;
    if (earlier && !ours && Number.parseInt(w.message_id, 10) > Date.now()) return; // another bot's, held
    const marker = earlier?.[1] ?? finalMarker(ts);
    const claim = await claimWatch(w, marker);
    if (!claim) return; // another bot took it
    claimed.delete(w.run_id);
    const already =
      earlier !== null &&
      !ours &&
      (await postedBefore(
        (cursor) =>
          client.conversations.replies({
            channel,
            ts,
            oldest: since(Number(earlier[3])),
            limit: 200,
            include_all_metadata: true,
            cursor,
          }),
        FINAL_EVENT,
        marker,
        log,
      ));
    const final = finalScoresMessage(progress);
    // The final scores, posted by the bot itself: recorded as shown (scores only) in that channel.
    const who = { user: 'jcb', act: 'final scores', place: `slack:${channel}` };
    try {
      await services.accessScope(who, 'scores', async () => {
        if (!already) {
          await client.chat.postMessage({
            channel,
            thread_ts: ts,
            text: final.text,
            blocks: final.blocks,
            metadata: { event_type: FINAL_EVENT, event_payload: { run: w.run_id, marker } },
          });
        }
        services.noteShown(progress); // once posted (a 429 is tried again)
      });
    } catch (err) {
      // Slack said 429: nothing was posted, the claim stays this bot's for the try after Retry-After.
      if (retryAfterMs(err) !== undefined) claimed.set(w.run_id, claim);
      throw err;
    }
    posted.add(w.run_id);
  };

  const update = async (w: { run_id: string; target: string; message_id: string }) => {
    const channel = w.target.slice('slack:'.length);
    // The progress message: the watch's message id, or kept in its final-scores mark.
    const ts = FINAL.exec(w.message_id)?.[2] ?? w.message_id;
    const limited = waiting(w.run_id, 'update');
    const ended = async () => ENDED.has((await services.runState(w.run_id)) ?? '');
    // Not yet time for another edit (the final state is not held back: checked once more, cheaply).
    if ((limited || Date.now() - (editedAt.get(w.run_id) ?? 0) < minGapMs) && !(await ended())) return;
    const [progress] = await services.status(w.run_id);
    const key = progressKey(progress);
    const justPosted = postedShows.get(w.run_id);
    if (justPosted !== undefined && !shown.has(w.run_id)) shown.set(w.run_id, justPosted);
    postedShows.delete(w.run_id);
    if (!limited && shown.get(w.run_id) !== key) {
      const message = progressMessage(progress);
      try {
        await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
        shown.set(w.run_id, key);
        editedAt.set(w.run_id, Date.now());
      } catch (err) {
        const wait = retryAfterMs(err);
        if (wait === undefined) throw err;
        // A 429 delays this message's edit only, as long as Slack says; the final scores below go now.
        waitUntil.set(waitKey(w.run_id, 'update'), Date.now() + wait);
      }
    }
    if (!ENDED.has(progress.run.status)) return;
    const finished = progress.run.status === 'finished';
    if (finished && !posted.has(w.run_id) && !waiting(w.run_id, 'post')) {
      try {
        await postFinal(w, channel, ts, progress);
      } catch (err) {
        const wait = retryAfterMs(err);
        if (wait === undefined) throw err;
        // Asked again after Slack's Retry-After, not at the next tick.
        waitUntil.set(waitKey(w.run_id, 'post'), Date.now() + wait);
      }
    }
    if (shown.get(w.run_id) === key && (!finished || posted.has(w.run_id))) await forget(w.run_id);
  };

  const forget = async (runId: string) => {
    await services.unwatch(runId);
    shown.delete(runId);
    editedAt.delete(runId);
    waitUntil.delete(waitKey(runId, 'update'));
    waitUntil.delete(waitKey(runId, 'post'));
    posted.delete(runId);
    claimed.delete(runId);
  };

  let pass: Promise<void> = Promise.resolve();
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await digests();
      for (const w of await services.watched('slack:')) {
        try {
          await update(w);
        } catch (err) {
          const e = err as { data?: { error?: string } };
          if (e.data?.error && PERMANENT.has(e.data.error)) {
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
  // A pass still under way is the one stop() waits for (the tick would return at once, busy).
  // The store's retries within a pass are short (the next pass, a second later, tries again): the store away is
  // said after 5 s, not 30, and a pass never waits half a minute on it.
  const timer = setInterval(() => {
    if (!busy) pass = withRetryBudget(TRACKER_STORE_RETRY_MS, tick);
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return pass;
  };
}
