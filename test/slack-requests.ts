// Requests as Slack sends them to the bot over HTTP, shared by the bot's tests: signed with the app's signing
// secret (api.slack.com/authentication/verifying-requests-from-slack: v0=HMAC-SHA256 of "v0:<ts>:<body>",
// the timestamp in seconds), or deliberately not, for the forged, stale and future cases.
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';
export const SLACK = 'https://slack.com';
export const HOOK = 'https://hooks.slack.com';

export interface SignedOptions {
  /** Seconds subtracted from now for the timestamp (negative: from the future). */
  age?: number;
  /** Signs with this secret instead of the app's. */
  secret?: string;
  headers?: Record<string, string>;
}

/** POSTs `body` to the bot's `url` with Slack's timestamp and signature headers; the status and text back. */
export async function sendSigned(
  url: string,
  body: string,
  type: string,
  opts: SignedOptions = {},
): Promise<{ status: number; text: string; at: number }> {
  const ts = Math.floor(Date.now() / 1000) - (opts.age ?? 0);
  const sig = `v0=${createHmac('sha256', opts.secret ?? SIGNING_SECRET)
    .update(`v0:${ts}:${body}`)
    .digest('hex')}`;
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': type,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sig,
      ...opts.headers,
    },
  });
  return { status: res.status, text: await res.text(), at: performance.now() };
}

/** A Web API call's body as an object: form fields (or JSON), with `blocks` and `view` parsed. */
export function formBody(body: unknown): Record<string, unknown> {
  const raw =
    typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, unknown>);
  const out: Record<string, unknown> = { ...raw };
  for (const k of ['blocks', 'view']) if (typeof out[k] === 'string') out[k] = JSON.parse(out[k] as string);
  return out;
}

/** Where a request comes from when not channel C1, and its trigger id when not its tag. */
export interface SlackPlace {
  channel?: string;
  trigger?: string;
}

/**
 * A request a test sends the bot as `user`, tagged `tag`: unique to the request, it names its response_url, thread
 * and trigger (unless `at` names another trigger).
 */
export type SlackSend = (
  user: string,
  tag: string,
  at?: SlackPlace,
) => Promise<{ status: number; text: string; at: number }>;

/** A request's channel and trigger id. */
type Where = { channel: string; trigger: string };

/**
 * Builders of signed requests from channel C1 (or `at.channel`) of team T1 to the bot at `url()` (read when one is
 * sent: the bot starts in a hook): a `/jcb` command, an interaction payload, a button or select of a message, a
 * message shortcut, an event, a modal's submission.
 */
export function slackRequests(url: () => string) {
  const FORM = 'application/x-www-form-urlencoded';
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const where = (tag: string, at: SlackPlace = {}): Where => ({
    channel: at.channel ?? 'C1',
    trigger: at.trigger ?? tag,
  });
  const slash =
    (text: string): SlackSend =>
    (user, tag, at) =>
      sendSigned(
        url(),
        form({
          command: '/jcb',
          text,
          user_id: user,
          channel_id: where(tag, at).channel,
          team_id: 'T1',
          response_url: `${HOOK}/r/${tag}`,
          trigger_id: where(tag, at).trigger,
        }),
        FORM,
      );
  const interaction =
    (payload: (user: string, tag: string, at: Where) => object): SlackSend =>
    (user, tag, at) =>
      sendSigned(url(), form({ payload: JSON.stringify(payload(user, tag, where(tag, at))) }), FORM);
  const button = (action: object) =>
    interaction((user, tag, { channel, trigger }) => ({
      type: 'block_actions',
      user: { id: user },
      team: { id: 'T1' },
      channel: { id: channel },
      trigger_id: trigger,
      response_url: `${HOOK}/r/${tag}`,
      container: { type: 'message', message_ts: '1.1', channel_id: channel },
      actions: [{ action_ts: '1', ...action }],
    }));
  /** The message shortcut `callback` on the message `message(tag)`. */
  const shortcut = (callback: string, message: (tag: string) => object) =>
    interaction((user, tag, { channel, trigger }) => ({
      type: 'message_action',
      callback_id: callback,
      trigger_id: trigger,
      user: { id: user },
      channel: { id: channel },
      team: { id: 'T1' },
      message: message(tag),
      response_url: `${HOOK}/r/${tag}`,
    }));
  const event =
    (ev: (user: string, tag: string, at: Where) => object): SlackSend =>
    (user, tag, at) =>
      sendSigned(
        url(),
        JSON.stringify({
          type: 'event_callback',
          team_id: 'T1',
          api_app_id: 'A1',
          event_id: `Ev${tag}`,
          event_time: 1,
          event: ev(user, tag, where(tag, at)),
        }),
        'application/json',
      );
  const submit = (callback: string, metadata: (tag: string) => string, values: object) =>
    interaction((user, tag, { trigger }) => ({
      type: 'view_submission',
      user: { id: user },
      team: { id: 'T1' },
      trigger_id: trigger,
      view: { id: 'V1', callback_id: callback, private_metadata: metadata(tag), state: { values } },
    }));
  return { slash, interaction, button, shortcut, event, submit };
}
