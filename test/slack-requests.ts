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
