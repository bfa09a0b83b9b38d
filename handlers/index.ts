// Every listener, registered in one place from one registry, grouped by kind. Each says which acts
// (src/policy/acts.ts) it can lead to; test/acts.test.ts walks this registry against the acts table.
import type { App, Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import actions from './actions/index.js';
import commands from './commands/index.js';
import type { BotContext, Listener } from './context.js';
import type { GuestBook } from './guests.js';
import { actsView } from '../src/policy/access-audit.js';
import { doorOf, knowGuests, limitEveryDoor, read } from './doors.js';
import { surely } from './refusals.js';
import { tellWhenRateLimited, type SlackRateLimits } from './rate-limits.js';
import events from './events/index.js';
import shortcuts from './shortcuts/index.js';
import views from './views/index.js';
import { answerUnknown } from './unknown.js';

/** Every listener of the bot: kind, id (command, action id, callback id, event type), acts, handler. */
export function listenerRegistry(ctx: BotContext): Listener[] {
  return [actions, commands, events, shortcuts, views].flatMap((group) => group.listeners(ctx));
}

/** Who asks and where, as the audit of private tasks records it (user, listener, channel or App Home). */
function askerOf(l: Listener, args: Record<string, unknown>): { user: string; act: string; place: string } {
  type Ids = {
    user_id?: string;
    user?: string | { id?: string };
    channel_id?: string;
    channel?: string | { id?: string };
  };
  const body = (args.body ?? {}) as Ids & { container?: { channel_id?: string } };
  const event = (args.event ?? {}) as Ids;
  const id = (x: Ids['user']) => (typeof x === 'string' ? x : x?.id);
  const user = body.user_id ?? id(body.user) ?? id(event.user) ?? 'unknown';
  const channel = body.channel_id ?? id(body.channel) ?? body.container?.channel_id ?? id(event.channel);
  const place = l.id === 'app_home_opened' ? 'slack:home' : `slack:${channel ?? 'modal'}`;
  return { user, act: `${l.kind}:${l.id}`, place };
}

/**
 * The listener's arguments with a `respond` that never throws: an answer the response_url no longer takes (an old
 * button's, Slack's 5xx) goes as an ephemeral where it was asked, else a DM (refusals.ts, `surely`).
 */
function withSureRespond(args: Record<string, unknown>): Record<string, unknown> {
  const { respond, client, logger, body } = args as {
    respond?: Parameters<typeof surely>[0];
    client: WebClient;
    logger: Logger;
    body: unknown;
  };
  if (!respond) return args;
  const door = doorOf(read(body));
  if (!door.user) return args;
  const who = { user: door.user, channel: door.channel };
  return { ...args, respond: surely(respond, client, who, (m) => logger.warn(m)) };
}

/**
 * The listener's arguments such that Slack's answer about the person (doors.ts, knowGuests) is in before it decides,
 * without holding the acknowledgement: `ack` awaits it after the real ack is sent; an event (acknowledged by Bolt
 * before any middleware) awaits it before the listener. A listener that decides before its ack (a modal's
 * response_action) must await `ctx.guests.settled` itself.
 */
async function withGuestAnswer(args: Record<string, unknown>, guests: GuestBook): Promise<Record<string, unknown>> {
  const user = doorOf(read(args.body)).user;
  if (!user) return args;
  const ack = args.ack as ((payload?: unknown) => Promise<void>) | undefined;
  if (!ack) {
    await guests.settled(user);
    return args;
  }
  return {
    ...args,
    ack: async (payload?: unknown) => {
      await ack(payload);
      await guests.settled(user);
    },
  };
}

export function registerListeners(app: App, ctx: BotContext, limits: SlackRateLimits): void {
  // Repeats and other workspaces are turned away before this (doors.ts, guardEntry); the limit is per person.
  app.use(limitEveryDoor(ctx));
  app.use(tellWhenRateLimited(limits));
  // After the limit: a flood of requests asks Slack about its person once, not once a request; not awaited here.
  app.use(knowGuests(ctx.guests));
  const listeners = listenerRegistry(ctx);
  for (const l of listeners) {
    // Each request is one access scope: the private tasks it reaches are recorded as its acts say (scores only).
    const view = actsView(l.acts);
    const handler = (async (args: Record<string, unknown>) => {
      const ready = withSureRespond(await withGuestAnswer(args, ctx.guests));
      return ctx.services.accessScope(askerOf(l, args), view, () =>
        (l.handler as (a: unknown) => Promise<void>)(ready),
      );
    }) as never;
    switch (l.kind) {
      case 'command':
        app.command(l.id, handler);
        break;
      case 'action':
        app.action(l.id, handler);
        break;
      case 'view':
        app.view(l.id, handler);
        break;
      case 'shortcut':
        app.shortcut({ callback_id: l.id, type: 'message_action' }, handler);
        break;
      case 'event':
        app.event(l.id, handler);
        break;
      case 'message':
        app.message(handler);
        break;
    }
  }
  // Last: buttons, forms and shortcuts of an older version (ids no listener has), answered at once.
  answerUnknown(app, listeners);
}
