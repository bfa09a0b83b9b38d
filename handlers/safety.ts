// Guards around the work the bot does: per-user rate limits, and never doing the same Slack delivery twice
// when Slack retries it (the answer given is kept for the repeat).
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

/** A request within the per-user limit, or not; `notice` (once a window) is what to tell the person. */
export type RateVerdict = { ok: true } | { ok: false; notice?: string };

const WINDOW_MS = 60_000;

export class Safety {
  private readonly recent = new Map<string, number[]>();
  private readonly warned = new Map<string, number>();
  private readonly answers = new Map<string, Promise<unknown>>();

  constructor(private readonly config: BotConfig) {}

  /**
   * Counts a request of `userId` against JCB_BOT_RATE_PER_MINUTE (a sliding minute). Refused requests are not
   * counted; the first refusal in a minute carries the notice, the next ones none (the bot must not answer a
   * flood with a flood).
   */
  checkRate(userId: string, now = Date.now()): RateVerdict {
    const times = (this.recent.get(userId) ?? []).filter((t) => now - t < WINDOW_MS);
    this.recent.set(userId, times);
    if (times.length < this.config.ratePerMinute) {
      times.push(now);
      return { ok: true };
    }
    if (now - (this.warned.get(userId) ?? -Infinity) < WINDOW_MS) return { ok: false };
    this.warned.set(userId, now);
    return {
      ok: false,
      notice: `:warning: You have made ${times.length} requests in the last minute; the limit is ${this.config.ratePerMinute}. Try again in a minute.`,
    };
  }

  /** The answer (ack payload) given to a delivery id (event id or trigger id) seen before, else undefined. */
  answerOf(id: string): Promise<unknown> | undefined {
    return this.answers.get(id);
  }

  /** Remembers a delivery id and the answer its ack will carry (the last 10,000 ids are kept). */
  remember(id: string, answer: Promise<unknown>): void {
    this.answers.set(id, answer);
    if (this.answers.size > 10_000) this.answers.delete(this.answers.keys().next().value!);
  }
}
