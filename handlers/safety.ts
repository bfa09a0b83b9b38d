// Guards around the work the bot does: per-user rate limits, an allowlist for expensive models, and
// never doing the same Slack event twice when Slack retries it.
import { UserError } from '../src/base/errors.js';
import type { BotConfig } from './config.js';

/** Slack's replay window: a signed request's timestamp may differ from now by at most this much. */
const REQUEST_WINDOW_S = 5 * 60;

/**
 * True when X-Slack-Request-Timestamp (seconds since the epoch) is present and more than five minutes
 * before or after `nowMs` ("Verifying requests from Slack", api.slack.com/authentication/verifying-requests-from-slack).
 * A missing or unreadable header is left to Bolt's signature check, which refuses it.
 */
export function refuseStaleOrFuture(header: string | string[] | undefined, nowMs = Date.now()): boolean {
  const ts = Number(Array.isArray(header) ? header[0] : header);
  if (header === undefined || !Number.isFinite(ts)) return false;
  return Math.abs(nowMs / 1000 - ts) > REQUEST_WINDOW_S;
}

export class Safety {
  private readonly recent = new Map<string, number[]>();
  private readonly seenEvents = new Set<string>();

  constructor(private readonly config: BotConfig) {}

  /** Throws when the user has made too many requests in the last minute. */
  checkRate(userId: string, now = Date.now()): void {
    const times = (this.recent.get(userId) ?? []).filter((t) => now - t < 60_000);
    if (times.length >= this.config.ratePerMinute) {
      throw new UserError(
        `You have made ${times.length} requests in the last minute; the limit is ${this.config.ratePerMinute}.`,
        'Try again in a minute.',
      );
    }
    times.push(now);
    this.recent.set(userId, times);
  }

  /** Live models cost money and send text out: only for allowed users and channels, when configured. */
  checkExpensive(userId: string, channelId: string | undefined, what: string): void {
    const { allowedUsers, allowedChannels } = this.config;
    if (allowedUsers.length && !allowedUsers.includes(userId)) {
      throw new UserError(
        `${what} is limited to some users here.`,
        'Ask an admin, or use a replayed model or the baseline.',
      );
    }
    if (allowedChannels.length && channelId && !allowedChannels.includes(channelId)) {
      throw new UserError(`${what} is not enabled in this channel.`, 'Use a replayed model or the baseline here.');
    }
  }

  /** True the first time an event id is seen (Slack retries an event it thinks went unanswered). */
  firstTime(eventId: string): boolean {
    if (this.seenEvents.has(eventId)) return false;
    this.seenEvents.add(eventId);
    if (this.seenEvents.size > 10_000) this.seenEvents.delete(this.seenEvents.values().next().value!);
    return true;
  }
}
