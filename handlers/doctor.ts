// `jcb doctor`'s Slack lines: whether Slack takes SLACK_BOT_TOKEN (auth.test) and which bot scopes of the app
// manifest (manifest.yml, the one list of what the bot asks for) the token was not granted, one line each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { isSeq, isScalar, parseDocument } from 'yaml';
import { projectRoot } from '../src/base/project.js';
import { forPeople } from '../src/base/shown.js';
import type { DoctorItem } from '../src/services/doctor.js';

/** A bot scope the manifest asks for, with what it is for (the manifest's comment on it, if any). */
export interface ManifestScope {
  scope: string;
  for?: string;
}

/**
 * The bot scopes of jcb's manifest.yml (`oauth_config.scopes.bot`), in its order, each with its line's comment.
 * @throws Error when the manifest holds no such list (jcb's own file: a broken install, not a user's doing).
 */
export function manifestScopes(file = path.join(projectRoot(), 'manifest.yml')): ManifestScope[] {
  const list = parseDocument(readFileSync(file, 'utf8')).getIn(['oauth_config', 'scopes', 'bot']);
  if (!isSeq(list)) throw new Error(`${file}: no oauth_config.scopes.bot list`);
  return list.items.filter(isScalar).map((s) => ({
    scope: String(s.value),
    ...(s.comment?.trim() ? { for: s.comment.trim() } : {}),
  }));
}

/** What auth.test's refusals of a token mean, and what the operator does (Slack's error codes of auth.test). */
const REFUSALS: Record<string, string> = {
  invalid_auth: "not a valid token: copy the installed app's Bot User OAuth Token (xoxb-…)",
  not_authed: "no token reached Slack: copy the installed app's Bot User OAuth Token (xoxb-…)",
  token_revoked: 'the token was revoked or the app uninstalled: reinstall the app and copy its new token',
  token_expired: 'the token has expired (token rotation): copy a fresh one, or turn rotation off',
  account_inactive: "the bot's user or its workspace is deactivated: install the app in an active workspace",
};

const WHERE = 'SLACK_BOT_TOKEN';

/** auth.test's answer as the doctor's lines: the refusal, the unreachable API, or each scope not granted. */
async function check(env: NodeJS.ProcessEnv, scopes: readonly ManifestScope[]): Promise<DoctorItem[]> {
  const client = new WebClient(env.SLACK_BOT_TOKEN, {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
  let me: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    me = await client.auth.test();
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string }; message: string };
    const error = e.data?.error;
    const detail =
      e.code === 'slack_webapi_platform_error' && error
        ? `Slack refused it (${error})${REFUSALS[error] ? `: ${REFUSALS[error]}` : ''}`
        : e.code === 'slack_webapi_request_error'
          ? 'Slack did not answer auth.test: check the network, or SLACK_API_URL if set; the token was not checked'
          : `auth.test failed: ${e.message}`;
    return [{ what: 'Slack', where: WHERE, ok: false, detail }];
  }
  const who = `bot ${me.user ?? me.user_id ?? '?'} of ${me.team ?? me.team_id ?? '?'}`;
  const granted = me.response_metadata?.scopes;
  if (!granted)
    return [{ what: 'Slack', where: WHERE, ok: true, detail: `${who}; Slack did not say its scopes (x-oauth-scopes)` }];
  const have = new Set(granted);
  const missing = scopes.filter((s) => !have.has(s.scope));
  if (missing.length === 0)
    return [{ what: 'Slack', where: WHERE, ok: true, detail: `${who}; every scope of manifest.yml granted` }];
  return missing.map((s) => ({
    what: 'Slack',
    where: `scope ${s.scope}`,
    ok: false,
    detail: `not granted to ${who}${s.for ? ` (needed for: ${s.for})` : ''}; add it as manifest.yml has it and reinstall the app`,
  }));
}

/**
 * `jcb doctor`'s Slack lines when SLACK_BOT_TOKEN is set (none otherwise): Slack's auth.test (POST
 * `<SLACK_API_URL or https://slack.com/api/>auth.test`, no retry) and the granted scopes it sends in its
 * `x-oauth-scopes` header, against `scopes` (manifest.yml's). One line: a refusal (invalid_auth, token_revoked,
 * account_inactive, …, each with its fix), no answer, or all granted; else one line per scope not granted. Never
 * throws; shown as the doctor's other lines are (forPeople, terminal: no address, no secret).
 */
export async function slackDoctor(env: NodeJS.ProcessEnv, scopes?: readonly ManifestScope[]): Promise<DoctorItem[]> {
  if (!env.SLACK_BOT_TOKEN?.trim()) return [];
  const items = await check(env, scopes ?? manifestScopes());
  return items.map((i) => ({ ...i, where: forPeople(i.where, 'terminal'), detail: forPeople(i.detail, 'terminal') }));
}
