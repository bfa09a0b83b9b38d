// Slack's refusals for good, and the person told by a way that still works.
//
// A Web API call Slack refuses (HTTP 200, `ok: false` and an error code: not_in_channel, channel_not_found,
// missing_scope, invalid_blocks, is_archived, expired_trigger_id …) will be refused again however often it is
// tried. Every call a listener makes that posts, updates or opens a view goes through `refusal` (what to tell the
// person, from the one table below) and the answer goes by `tell`, which tries the ways to reach someone in order
// (the command's or button's response_url, an ephemeral in the conversation, a DM) until one works.
// Rate limits (429) are not refusals: the Web API client waits them out.
import { ErrorCode, WebClient } from '@slack/web-api';
import { UserError } from '../src/base/errors.js';

/** Where the refused call went: named in the line (`<#C…>`), when known. */
type Where = { channel?: string };

/**
 * Slack's error codes that mean "never, as things are", with the one line to say and whether it is ours to fix
 * (logged: a message jcb made that Slack's limits refuse). Every code here is answered with its own line; any
 * other platform error with the last row's.
 */
export const SLACK_REFUSALS: Record<string, { say: (w: Where) => string; ours?: boolean }> = {
  not_in_channel: { say: (w) => `I am not in ${place(w)}: invite @jcb there (\`/invite @jcb\`), or ask me in a DM.` },
  channel_not_found: {
    say: (w) =>
      `I cannot see ${place(w)} (a private channel or a DM I am not in): invite @jcb there, or ask me in a DM.`,
  },
  is_archived: { say: (w) => `${cap(place(w))} is archived: ask me in another channel, or in a DM.` },
  restricted_action: {
    say: (w) => `This workspace does not let me post in ${place(w)}: ask me in another channel, or in a DM.`,
  },
  missing_scope: {
    say: () =>
      'The app lacks a Slack permission it needs: ask an admin to re-install it with the scopes of manifest.yml.',
  },
  not_allowed_token_type: {
    say: () =>
      'The app was installed with the wrong kind of token: ask an admin to re-install it (README, "Connect Slack").',
  },
  invalid_blocks: {
    say: () =>
      'Slack refused the message I made for this (it has been logged); try another document or model, or tell an admin.',
    ours: true,
  },
  msg_too_long: {
    say: () => 'Slack refused my answer as too long (it has been logged); try a shorter text, or tell an admin.',
    ours: true,
  },
  msg_blocks_too_long: {
    say: () => 'Slack refused my answer as too long (it has been logged); try a shorter text, or tell an admin.',
    ours: true,
  },
  expired_trigger_id: { say: () => 'That took too long and the form could not open: click again.' },
  invalid_trigger_id: { say: () => 'That click can no longer open a form: click again.' },
  exchanged_trigger_id: { say: () => 'That click has already opened a form: click again for another.' },
};

const OTHER = (code: string) =>
  `Slack refused what I sent (${code}); tell an admin, who will find it in the bot's log.`;

const place = (w: Where) => (w.channel ? `<#${w.channel}>` : 'this conversation');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Slack's error code when `err` is a refusal for good (a platform error: HTTP 200, ok false), else undefined. */
export function refusalCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === ErrorCode.PlatformError ? (e.data?.error ?? 'unknown_error') : undefined;
}

/**
 * Slack failing on its side once the client's retries are spent (HTTP 5xx, no answer, the connection lost), as a
 * few words (`HTTP 503`, `no answer`); else undefined. Not ours to fix, and not for good: the same call may work in
 * a minute. (A 429 is waited out by the client; a response_url's failure is `respond`'s: handlers/index.ts.)
 */
export function slackFailure(err: unknown): string | undefined {
  const e = err as { code?: string; statusCode?: number };
  if (e?.code === ErrorCode.HTTPError) return `HTTP ${e.statusCode ?? '?'}`;
  if (e?.code === ErrorCode.RequestError) return 'no answer';
  return undefined;
}

/** The code a SlackRefusal made of a failure of Slack's (slackFailure) carries. */
export const SLACK_FAILED = 'slack_failed';

/** What a person is told when Slack failed on its side: the cause, and that the same request may work in a minute. */
export const slackFailedText = (cause: string) =>
  `Slack failed on its side (${cause}) and did not take my answer: try again in a minute.`;

/** A Web API call Slack refused for good, said as what to do; `ours`: a message jcb made wrong (logged). */
export class SlackRefusal extends UserError {
  constructor(
    readonly code: string,
    message: string,
    readonly ours: boolean,
    /** Slack's failure on its side (slackFailure's words), when that is what it was. */
    readonly failure?: string,
  ) {
    super(message);
    this.name = 'SlackRefusal';
  }
}

/**
 * `err` as a SlackRefusal when Slack refused the call for good (`where`: the channel it went to), or failed on its
 * side (slackFailure: code SLACK_FAILED, not ours), its line between the sentences `around.before` and
 * `around.after` when given ("Run … is queued. …"); else undefined.
 */
export function refusal(
  err: unknown,
  where: Where = {},
  around: { before?: string; after?: string } = {},
): SlackRefusal | undefined {
  const known = err instanceof SlackRefusal ? err : undefined;
  const failed = known ? known.failure : slackFailure(err);
  const code = known?.code ?? refusalCode(err) ?? (failed && SLACK_FAILED);
  if (code === undefined) return undefined;
  if (known && !around.before && !around.after) return known;
  const row = SLACK_REFUSALS[code];
  // Slack's own failure: between other sentences ("Run … is queued.") only its cause, not "try again".
  const failure =
    failed && (around.before || around.after ? `Slack failed on its side (${failed}).` : slackFailedText(failed));
  const line = failure ?? known?.message ?? (row ? row.say(where) : OTHER(code));
  const text = [around.before, line, around.after].filter(Boolean).join(' ');
  return new SlackRefusal(code, text, known?.ours ?? row?.ours ?? (!row && !failed), failed);
}

/** `work()`, with a refusal of Slack's thrown as a SlackRefusal naming `where`. */
export async function refusedAs<T>(where: Where, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw refusal(err, where) ?? err;
  }
}

/** A person and the ways to reach them, best first. */
export interface Reach {
  user: string;
  /** The conversation asked in (an ephemeral there), and its thread. */
  channel?: string;
  threadTs?: string;
  /** The first way to try: the command's or button's response_url (works wherever it was asked, for 30 minutes), or a reply in the thread. */
  answer?: (text: string) => Promise<unknown>;
}

/**
 * Tells `who` one line by the first way that works: `answer`, an ephemeral where they asked, a DM
 * (chat.postMessage to the user: the app's Messages tab). A way Slack refuses (or fails) is skipped; when none
 * works, `log` says so.
 */
export async function tell(client: WebClient, who: Reach, text: string, log: (m: string) => void): Promise<void> {
  await deliver(client, who, { text }, log);
}

/** A message for one person: its text and, when it has them, its blocks. */
interface Said {
  text?: string;
  blocks?: unknown[];
}

/** `tell` for a whole message (its blocks kept on every way). */
export async function deliver(client: WebClient, who: Reach, said: Said, log: (m: string) => void): Promise<void> {
  const text = said.text ?? '';
  const blocks = said.blocks?.length ? { blocks: said.blocks as never } : {};
  const ways: [string, () => Promise<unknown>][] = [];
  if (who.answer) ways.push(['answer', () => who.answer!(text)]);
  if (who.channel)
    ways.push([
      'ephemeral',
      () =>
        client.chat.postEphemeral({ channel: who.channel!, user: who.user, text, thread_ts: who.threadTs, ...blocks }),
    ]);
  ways.push(['DM', () => client.chat.postMessage({ channel: who.user, text, ...blocks })]);
  const failed: string[] = [];
  for (const [name, send] of ways) {
    try {
      await send();
      return;
    } catch (err) {
      failed.push(`${name}: ${refusalCode(err) ?? slackFailure(err) ?? (err as Error).message}`);
    }
  }
  log(`could not tell ${who.user} (${failed.join('; ')})`);
}

/** Bolt's `respond` (a request's response_url), as a listener calls it. */
type Respond = (message: string | (Said & Record<string, unknown>)) => Promise<unknown>;

/**
 * `respond` that never throws: when the response_url no longer takes answers (Slack's 404 once it is 30 minutes
 * old or used five times, its 5xx), the message goes to `who` by the next way that works (an ephemeral where they
 * asked, a DM), and the log has one line.
 */
export function surely(respond: Respond, client: WebClient, who: Reach, log: (m: string) => void): Respond {
  return async (message) => {
    try {
      return await respond(message);
    } catch (err) {
      const said = typeof message === 'string' ? { text: message } : message;
      log(`response_url refused the answer to ${who.user} (${(err as Error).message}); telling them another way`);
      await deliver(client, { ...who, answer: undefined }, said, log);
    }
  };
}

/**
 * Why the bot could not answer in `channel` (a refusal's line), or undefined when it can, or when Slack will not
 * say (no scope, the network: the post then says what went wrong). Asked before anything is sent to a model for an
 * answer there (the message shortcut): a private channel, group DM or DM between people the bot is not in is
 * invisible to it (channel_not_found), and an archived one takes no posts. Public channels take the bot's
 * posts without it being a member (chat:write.public).
 */
export async function cannotAnswerIn(client: WebClient, channel: string): Promise<SlackRefusal | undefined> {
  try {
    // Asked once, briefly (a shortcut's form must open within Slack's 3 s): not tried again, not waited out.
    const quick = new WebClient(client.token, {
      slackApiUrl: client.slackApiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: CHECK_MS,
    });
    const res = await quick.conversations.info({ channel });
    const c = (typeof res.channel === 'object' ? res.channel : {}) as {
      is_archived?: boolean;
      is_private?: boolean;
      is_mpim?: boolean;
      is_member?: boolean;
    };
    if (c.is_archived) return refusal(platformError('is_archived'), { channel });
    if ((c.is_private || c.is_mpim) && c.is_member === false)
      return refusal(platformError('not_in_channel'), { channel });
    return undefined;
  } catch (err) {
    const code = refusalCode(err);
    return code === 'channel_not_found' || code === 'not_in_channel' ? refusal(err, { channel }) : undefined;
  }
}

/** How long the check waits for Slack before leaving it to the post. */
const CHECK_MS = 1500;

/** A platform error as the Web API client throws it, for a refusal found without a failed call. */
const platformError = (error: string) => ({ code: ErrorCode.PlatformError, data: { ok: false, error } });
