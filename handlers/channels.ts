// Posting into a channel other than the one a command was typed in (`/jcb leaderboard --post #x`): the target
// must be a channel (never a special mention or a person), and the person a member of it, or an admin.
import type { WebClient } from '@slack/web-api';
import { UserError } from '../src/base/errors.js';
import { cutEcho } from '../src/base/suggest.js';
import { authorize } from '../src/policy/acts.js';
import type { BotContext } from './context.js';
import { refusal, SlackRefusal } from './refusals.js';

const PAGES = 50;
const REINSTALL = 'Ask an admin to re-install the app with the channels:read and groups:read scopes.';

/** Slack's error code of a failed Web API call (`missing_scope`, `channel_not_found`, …). */
const slackError = (err: unknown) => (err as { data?: { error?: string } }).data?.error ?? 'request_failed';

/**
 * The channel id `--post` names: `<#C123|name>` or `<#C123>` (Slack's form), a bare id, or `#name` / `name`
 * looked up among the channels the bot can see (conversations.list). Special mentions (`<!channel>`,
 * `<!here>`, `@everyone`, `<!subteam^…>`) and people (`<@U…>`, `@name`) are refused: they are not channels.
 */
async function channelId(client: WebClient, typed: string): Promise<string> {
  const escaped = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(typed);
  if (escaped) return escaped[1];
  if (/^[<@!]/.test(typed) || /^[UW][A-Z0-9]{6,}$/.test(typed))
    throw new UserError(`"${cutEcho(typed)}" is not a channel.`, 'Name one: `--post #channel`.');
  if (/^[CG][A-Z0-9]{6,}$/.test(typed)) return typed;
  const name = typed.replace(/^#/, '').toLowerCase();
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const res = await client.conversations
      .list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, cursor })
      .catch((err: unknown) => {
        throw new UserError(`I cannot look up #${cutEcho(name)} (Slack says ${slackError(err)}).`, REINSTALL);
      });
    const found = res.channels?.find((c) => c.name === name);
    if (found?.id) return found.id;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  throw new UserError(`I see no channel #${cutEcho(name)}.`, 'Check its name, and invite me if it is private.');
}

/** Whether `user` is a member of `channel` (conversations.members, all pages); refused when Slack will not say. */
async function isMember(client: WebClient, channel: string, user: string): Promise<boolean> {
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const res = await client.conversations.members({ channel, limit: 1000, cursor }).catch((err: unknown) => {
      const code = slackError(err);
      if (code === 'missing_scope' || code === 'not_allowed_token_type')
        throw new UserError(`I cannot check who is in that channel (Slack says ${code}).`, REINSTALL);
      // A private channel (or a DM) the bot is not in is invisible to it: it is the bot that must be invited,
      // whoever asks. Any other refusal is said as handlers/refusals.ts says it.
      if (code === 'not_in_channel' || code === 'channel_not_found')
        throw new SlackRefusal(
          code,
          `I am not in <#${channel}>: invite @jcb there first (\`/invite @jcb\`), then post again.`,
          false,
        );
      throw refusal(err, { channel }) ?? err;
    });
    if (res.members?.includes(user)) return true;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return false;
  }
  return false;
}

/**
 * The channel to post into for `--post <typed>`, asked by `user` in `here`: the typed channel when the act
 * `post-leaderboard` is theirs (the channel they typed in, a member, or an admin), else a UserError.
 * Membership that cannot be checked (no scope) fails closed.
 */
export async function postTarget(
  ctx: BotContext,
  client: WebClient,
  typed: string,
  user: string,
  here: string,
): Promise<string> {
  const target = await channelId(client, typed.trim());
  const member = target === here || ctx.config.admins.includes(user) ? true : await isMember(client, target, user);
  authorize('post-leaderboard', { user, channel: target, member }, ctx.config);
  return target;
}
