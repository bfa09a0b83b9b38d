// The checks every request passes before any listener, whatever door it came in by (slash command, mention,
// DM, shortcut, button or select, view submission, App Home): from this workspace and app, worked once
// (a repeat gets the same answer), and within the per-user limit.
import type { AnyMiddlewareArgs, App, Middleware, ReceiverEvent } from '@slack/bolt';
import { z } from 'zod';
import type { BotContext } from './context.js';
import type { GuestBook } from './guests.js';
import { modalErrors } from './views/inputs.js';

/** Who sent the request and where, read from any of Slack's payload shapes. */
interface Door {
  kind: 'command' | 'action' | 'view' | 'shortcut' | 'mention' | 'dm' | 'home' | 'other';
  user?: string;
  channel?: string;
  threadTs?: string;
}

const id = z.string().optional().catch(undefined);
const part = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).optional().catch(undefined);

/**
 * What the doors read of any payload (slash command, event callback, block action, view submission,
 * shortcut), checked with zod: a field of another shape reads as absent, never as something else.
 */
const payload = z.looseObject({
  command: id,
  type: id,
  user_id: id,
  channel_id: id,
  team_id: id,
  api_app_id: id,
  event_id: id,
  trigger_id: id,
  event: part({
    type: id,
    user: id,
    channel: id,
    ts: id,
    thread_ts: id,
    bot_id: id,
    subtype: id,
    user_team: id,
    channel_type: id,
  }),
  response_url: id,
  user: part({ id, team_id: id }),
  team: part({ id }),
  channel: part({ id }),
  container: part({ channel_id: id }),
  view: part({ callback_id: id }),
});
type Body = z.infer<typeof payload>;

/** A payload as the doors read it (an unreadable one reads as empty: no user, no team). */
export const read = (body: unknown): Body => payload.safeParse(body).data ?? {};

export function doorOf(body: Body): Door {
  if (typeof body.command === 'string') return { kind: 'command', user: body.user_id, channel: body.channel_id };
  const event = body.event;
  if (body.type === 'event_callback' && event) {
    // The bot's own messages, edits and other subtypes are not requests.
    if (event.bot_id || (event.subtype && event.subtype !== 'file_share')) return { kind: 'other' };
    const kind =
      event.type === 'app_mention'
        ? 'mention'
        : event.type === 'message'
          ? 'dm'
          : event.type === 'app_home_opened'
            ? 'home'
            : 'other';
    return { kind, user: event.user, channel: event.channel, threadTs: event.thread_ts ?? event.ts };
  }
  const user = body.user?.id;
  if (body.type === 'block_actions')
    return { kind: 'action', user, channel: body.channel?.id ?? body.container?.channel_id };
  if (body.type === 'view_submission') return { kind: 'view', user };
  if (body.type === 'message_action' || body.type === 'shortcut')
    return { kind: 'shortcut', user, channel: body.channel?.id };
  return { kind: 'other', user };
}

/** The workspace a payload says it comes from (commands and events: team_id; interactions: team.id). */
const teamOf = (body: Body): string | undefined => body.team_id ?? body.team?.id ?? body.user?.team_id ?? undefined;

/**
 * The workspace of the person, where Slack says it apart from the payload's (a Slack Connect channel shared with
 * another organisation: an interaction's user.team_id, an event's user_team). An Enterprise organisation's id
 * (E…) stands for the whole organisation: not compared.
 */
const personTeamOf = (body: Body): string | undefined => {
  const team = body.user?.team_id ?? body.event?.user_team;
  return team?.startsWith('T') ? team : undefined;
};

/** What a person of another workspace is told (a Slack Connect channel, an app installed elsewhere). */
export const OTHER_WORKSPACE =
  ':no_entry: jcb answers only the people of the workspace it is installed in: ask someone there, or install jcb in yours.';

/**
 * Tells the person of another workspace so, by what the request offers: its acknowledgement (a slash command),
 * its response_url (buttons, shortcuts), an ephemeral (a mention in a channel shared with the bot's workspace).
 */
async function tellOtherWorkspace(app: App, event: ReceiverEvent, body: Body, ours: boolean): Promise<void> {
  const door = doorOf(body);
  if (door.kind === 'command') return void (await event.ack({ response_type: 'ephemeral', text: OTHER_WORKSPACE }));
  await event.ack();
  try {
    if (body.response_url?.startsWith('https://hooks.slack.com/')) {
      const res = await fetch(body.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: OTHER_WORKSPACE }),
      });
      if (!res.ok) throw new Error(`response_url answered ${res.status}`);
    } else if (ours && (door.kind === 'mention' || door.kind === 'dm') && door.user && door.channel) {
      await app.client.chat.postEphemeral({
        channel: door.channel,
        user: door.user,
        text: OTHER_WORKSPACE,
        thread_ts: door.threadTs,
      });
    }
  } catch (err) {
    app.logger.warn(`another workspace's person not told: ${(err as Error).message}`);
  }
}

/** How long a repeat waits for the first delivery's answer before being acknowledged empty (Slack waits 3 s). */
const ANSWER_WAIT_MS = 2500;

/**
 * Wraps the app's entry (`processEvent`, which every receiver calls) so that
 * - a request of another workspace (`team_id`) or another app (`api_app_id`) is acknowledged and dropped;
 * - a repeat of a delivery (same event id or trigger id: an HTTP retry, a Socket Mode envelope re-sent after a
 *   lost ack) is not worked again but acknowledged with the payload the first delivery's ack carried (an
 *   "Unknown command" answer, a modal's errors), so an answer lost with its ack still reaches the person.
 */
export function guardEntry(app: App, ctx: BotContext, expected: { teamId?: string; appId?: string }): void {
  const work = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const body = read(event.body);
    const team = teamOf(body);
    const person = personTeamOf(body);
    if (expected.appId && body.api_app_id && body.api_app_id !== expected.appId) {
      app.logger.warn(`refused a request of team ${team ?? '(none)'}, app ${body.api_app_id}`);
      await event.ack();
      return;
    }
    const ours = !expected.teamId || team === expected.teamId;
    if (!ours || (expected.teamId && person && person !== expected.teamId)) {
      app.logger.warn(`refused a request of team ${team ?? '(none)'}${person ? `, a person of team ${person}` : ''}`);
      // Slack's own notices (the bot's messages, edits) are not requests: nobody to tell.
      if (doorOf(body).kind !== 'other') await tellOtherWorkspace(app, event, body, ours);
      else await event.ack();
      return;
    }
    const delivery = body.event_id ?? body.trigger_id;
    if (!delivery) return work(event);
    const earlier = ctx.safety.answerOf(delivery);
    if (earlier) {
      const timeout = new Promise<undefined>((r) => globalThis.setTimeout(r, ANSWER_WAIT_MS));
      await event.ack(await Promise.race([earlier, timeout]));
      return;
    }
    let answered: (payload: unknown) => void = () => {};
    ctx.safety.remember(delivery, new Promise((resolve) => (answered = resolve)));
    const ack = event.ack;
    event.ack = async (payload?: unknown) => {
      answered(payload);
      return ack(payload as never);
    };
    return work(event);
  };
}

/**
 * The per-user limit at every door. Over it, the request is acknowledged and not worked; the person is told
 * once a minute, only to them (ephemeral; in a modal, as its error), never in a public post.
 */
export function limitEveryDoor(ctx: BotContext): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = read(args.body);
    const door = doorOf(body);
    if (!door.user || door.kind === 'other') return args.next();
    const verdict = ctx.safety.checkRate(door.user);
    if (verdict.ok) return args.next();
    const ack = (args as { ack?: (p?: unknown) => Promise<void> }).ack;
    const text = verdict.notice;
    try {
      if (door.kind === 'command') return void (await ack?.(text ? { response_type: 'ephemeral', text } : undefined));
      if (door.kind === 'view') {
        return void (await ack?.(text ? modalErrors(body.view?.callback_id, text) : undefined));
      }
      await ack?.();
      if (!text || door.kind === 'home' || !door.channel) return;
      await args.client.chat.postEphemeral({
        channel: door.channel,
        user: door.user,
        text,
        ...(door.kind === 'mention' || door.kind === 'dm' ? { thread_ts: door.threadTs } : {}),
      });
    } catch (err) {
      args.logger.warn(`rate-limit notice not delivered: ${(err as Error).message}`);
    }
  };
}

/**
 * Middleware: the person of every request asked about (or found in `book`), not waited for here: nothing before an
 * acknowledgement waits on Slack (issue 28, every ack < 100 ms). The answer is awaited after the ack, before the
 * listener decides (index.ts, withGuestAnswer). Bolt gives each middleware a copy of the arguments: a changed
 * `ack` here would not reach the listener, hence the wrapping there.
 */
export function knowGuests(book: GuestBook): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const door = doorOf(read(args.body));
    if (door.user && door.kind !== 'other') void book.learn(args.client, door.user, (m) => args.logger.warn(m));
    return args.next();
  };
}
