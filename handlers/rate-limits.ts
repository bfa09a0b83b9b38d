// Slack's rate limits on the bot's answers (breaker-slack finding 4): a 429's Retry-After is waited as Slack gives
// it, then the call is made again, not after minutes of growing gaps; and a person whose answer waits longer than a
// few seconds is told so, on the request's response_url (its own limits, not the channel's).
import type { AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import { WebClientEvent } from '@slack/web-api';
import { doorOf, read } from './doors.js';

/**
 * The Web API client's retries (p-retry options): the client itself waits a 429's Retry-After before each retry
 * (@slack/web-api WebClient.makeRequest); these add only a tenth of a second on top, never a growing backoff
 * (its default, tenRetriesInAboutThirtyMinutes, adds 1 s, 2 s, 4 s … up to minutes). A network error is tried
 * again as quickly, five times.
 */
export const SLACK_RETRY_CONFIG = { retries: 5, factor: 1, minTimeout: 100, maxTimeout: 100, randomize: false };

/** An answer held back longer than this by Slack's rate limit is announced to the person. */
export const RATE_LIMIT_NOTICE_MS = 3_000;

/** The line a person gets when their answer waits on Slack's limit. */
export const rateLimitNotice = (retrySec: number) =>
  `:hourglass_flowing_sand: Slack is limiting how fast I may post in this channel: your answer comes in about ${retrySec} s.`;

/**
 * Around every request with a response_url and a channel: while it is worked, a Web API call of its channel that
 * Slack rate-limits, making the answer wait over RATE_LIMIT_NOTICE_MS in all, tells the person once (ephemeral).
 */
export function tellWhenRateLimited(): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const respond = (args as { respond?: RespondFn }).respond;
    const { channel } = doorOf(read(args.body));
    if (!respond || !channel || !args.client) return args.next();
    const start = Date.now();
    let told = false;
    const limited = (retrySec: number, call: { body?: { channel?: unknown } }) => {
      if (told || call.body?.channel !== channel || Date.now() - start + retrySec * 1000 < RATE_LIMIT_NOTICE_MS) return;
      told = true;
      respond({ response_type: 'ephemeral', replace_original: false, text: rateLimitNotice(retrySec) }).catch(
        (err: Error) => args.logger.warn(`rate-limit notice not delivered: ${err.message}`),
      );
    };
    args.client.on(WebClientEvent.RATE_LIMITED, limited);
    try {
      await args.next();
    } finally {
      args.client.off(WebClientEvent.RATE_LIMITED, limited);
    }
  };
}
