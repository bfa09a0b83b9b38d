// Replies to people's own text, and error messages.
import { ErrorCode } from '@slack/web-api';
import type { AskResult } from '../../src/services/index.js';
import { UserError, userErrorText } from '../../src/base/errors.js';
import { forPeople } from '../../src/base/shown.js';
import { ProviderError } from '../../src/models/provider.js';
import { NoReleaseError } from '../../src/release/data-dir.js';
import { storeCause } from '../../src/store/errors.js';
import type { Message } from './run.js';
import { refusal } from '../refusals.js';
import { code, context, cut, escape, LIMITS, message, section } from './text.js';

export function answerMessage(a: AskResult): Message {
  return message(`${a.task.label} by ${a.model.alias}: ${cut(a.output, 200)}`, [
    section(`*${a.task.label}* — ${a.task.title} · *${a.model.label}* (\`${a.model.alias}\`, ${a.model.provider})`),
    code(a.output || '(empty)'),
    ...(a.incomplete ? [context(`:warning: ${a.incomplete}.`)] : []),
    ...(a.parse.ok ? [section(`*Read as*: ${a.parse.shown}`)] : [context(`:warning: ${a.parse.problem ?? ''}`)]),
    ...(a.maskedText ? [section('*Sent masked* (personal information replaced by its kind)'), code(a.maskedText)] : []),
    context('Your own text has no gold answer, so there is no score.'),
  ]);
}

/** A message's text, escaped and cut: errors quote what people typed. */
const said = (text: string) => cut(escape(text), LIMITS.messageText);

/**
 * What went wrong and what would be right, in one line. Unexpected errors show nothing of theirs (no class
 * name, message, SQL or path: those are logged); a missing release says whom to ask.
 */
/** The Web API client's error once a call has waited out Slack's rate limit as often as it may (rate-limits.ts). */
const rateLimitSpent = (err: unknown): boolean => (err as { code?: unknown }).code === ErrorCode.RateLimitedError;

/** What a person is told then (handlers/rate-limits.ts: RATE_LIMIT_WAITS). */
export const RATE_LIMIT_SPENT =
  ':hourglass: Slack kept refusing my requests (rate limited): try again in a minute.';

export function errorText(err: unknown): string {
  if (err instanceof NoReleaseError)
    return said(':warning: The benchmark data is not on this server. Ask an admin to run `jcb data pull`.');
  // Slack refused a call for good: what to do (jcb's own words, with a channel's link: not escaped).
  const refused = refusal(err);
  if (refused) return cut(`:warning: ${refused.message}`, LIMITS.messageText);
  if (rateLimitSpent(err)) return RATE_LIMIT_SPENT;
  // The store away (PostgreSQL stopped, restarting, its connections cut): the CLI's reading, for people in Slack.
  const store = storeCause(err);
  if (store) return said(storeUnavailableText(store.cause));
  if (err instanceof UserError) return said(`:warning: ${userErrorText(err, 'chat')}`);
  if (err instanceof ProviderError) {
    return said(
      forPeople(`:warning: The model's provider failed: ${err.message}. Try again later, or another model.`, 'chat'),
    );
  }
  return ':boom: Something went wrong on our side; it has been logged. Try again, or tell an admin.';
}

/** The store being away, for Slack: the cause, and to try again later (where it is and how to fix it are an admin's). */
export const storeUnavailableText = (cause: string) =>
  `:warning: The results store is unavailable right now (${cause}). Try again in a few minutes; if it lasts, tell an admin.`;

/** Errors that are ours to fix (logged), as opposed to bad input and failing providers (told to the user). */
export function isUnexpected(err: unknown): boolean {
  // A refusal of Slack's is logged when the message refused was jcb's (invalid_blocks, msg_too_long).
  const refused = refusal(err);
  if (refused) return refused.ours;
  if (rateLimitSpent(err)) return false;
  return !(err instanceof UserError) && !(err instanceof ProviderError) && !storeCause(err);
}
