// Slack's rate limits on the bot's answers (breaker-slack finding 4): a 429's Retry-After is waited as Slack gives
// it, then the call is made again, not after minutes of growing gaps; only that call waits, not every other
// channel's; and a person whose answer waits longer than a few seconds is told so, on the request's response_url
// (its own limits, not the channel's).
import type { AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { doorOf, read } from './doors.js';

/** An answer held back longer than this by Slack's rate limit is announced to the person. */
export const RATE_LIMIT_NOTICE_MS = 3_000;

/** How many times one call waits out a 429 before it fails (the client then rejects it: rejectRateLimitedCalls). */
export const RATE_LIMIT_WAITS = 5;

/** The line a person gets when their answer waits on Slack's limit. */
export const rateLimitNotice = (retrySec: number) =>
  `:hourglass_flowing_sand: Slack is limiting how fast I may post in this channel: your answer comes in about ${retrySec} s.`;

/** A 429's Retry-After in whole seconds, as the Web API client reads it (delay-seconds); undefined if none. */
function retryAfterSec(res: Response): number | undefined {
  const sec = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
  return Number.isFinite(sec) && sec >= 0 ? sec : undefined;
}

/** The channel a Web API call names: its body is form-encoded or JSON (WebClient.serializeApiCallData). */
function channelOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const fields: Record<string, unknown> = body.startsWith('{')
      ? JSON.parse(body)
      : Object.fromEntries(new URLSearchParams(body));
    return typeof fields.channel === 'string' ? fields.channel : undefined;
  } catch {
    return undefined;
  }
}

/** The bot's Web API client options for rate limits, and where a call waiting on one is heard. */
export interface SlackRateLimits {
  clientOptions: Pick<WebClientOptions, 'fetch' | 'rejectRateLimitedCalls' | 'retryConfig'>;
  /** Calls `listener` each time a call starts waiting out a 429; returns the function that stops listening. */
  onLimited(listener: (retrySec: number, channel: string | undefined) => void): () => void;
}

/**
 * Rate limits waited out per call. The Web API client, given a 429, pauses its whole request queue for the
 * Retry-After (@slack/web-api 7, WebClient.makeRequest), so one busy channel held every other channel's answers
 * and every other person's thread; Slack's limits are per method and channel (api.slack.com/apis/rate-limits,
 * chat.postMessage: about one message a second a channel). Here the client's fetch waits a 429's Retry-After and
 * sends that one request again, up to RATE_LIMIT_WAITS times; the last 429 reaches the client, which rejects the call
 * at once (WebAPIRateLimitedError). Its own retries (p-retry) are left to network errors: five, a tenth of a second
 * apart, never its default backoff of minutes (tenRetriesInAboutThirtyMinutes).
 */
export function slackRateLimits(): SlackRateLimits {
  const events = new EventEmitter();
  // One listener a request being worked (tellWhenRateLimited): as many as requests in flight.
  events.setMaxListeners(0);
  const waitingFetch: typeof fetch = async (input, init) => {
    for (let waited = 0; ; waited++) {
      const res = await fetch(input, init);
      const retrySec = res.status === 429 ? retryAfterSec(res) : undefined;
      if (retrySec === undefined || waited === RATE_LIMIT_WAITS) return res;
      await res.body?.cancel();
      events.emit('limited', retrySec, channelOf(init?.body));
      await sleep(retrySec * 1000, undefined, init?.signal ? { signal: init.signal } : undefined);
    }
  };
  return {
    clientOptions: {
      fetch: waitingFetch,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 5, factor: 1, minTimeout: 100, maxTimeout: 100, randomize: false },
    },
    onLimited(listener) {
      events.on('limited', listener);
      return () => events.off('limited', listener);
    },
  };
}

/**
 * Around every request with a response_url and a channel: while it is worked, a Web API call of its channel that
 * Slack rate-limits, making the answer wait over RATE_LIMIT_NOTICE_MS in all, tells the person once (ephemeral).
 */
export function tellWhenRateLimited(limits: SlackRateLimits): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const respond = (args as { respond?: RespondFn }).respond;
    const { channel } = doorOf(read(args.body));
    if (!respond || !channel) return args.next();
    const start = Date.now();
    let told = false;
    const stop = limits.onLimited((retrySec, limited) => {
      if (told || limited !== channel || Date.now() - start + retrySec * 1000 < RATE_LIMIT_NOTICE_MS) return;
      told = true;
      respond({ response_type: 'ephemeral', replace_original: false, text: rateLimitNotice(retrySec) }).catch(
        (err: Error) => args.logger.warn(`rate-limit notice not delivered: ${err.message}`),
      );
    });
    try {
      await args.next();
    } finally {
      stop();
    }
  };
}
