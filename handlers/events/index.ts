import type { App } from '@slack/bolt';
import type { BotContext } from '../context.js';
import { homeView } from '../blocks/home.js';
import { converse } from './converse.js';

export default {
  register(app: App, ctx: BotContext) {
    app.event('app_mention', async ({ event, client, logger }) => {
      if (!event.user) return;
      const said = {
        user: event.user,
        channel: event.channel,
        text: event.text,
        threadTs: event.thread_ts ?? event.ts,
      };
      await ctx.afterAck(() => converse(ctx, client, said, (e) => logger.error(e)));
    });

    // Direct messages; the bot's own messages and edits are not requests.
    app.message(async ({ message, client, logger }) => {
      if (message.channel_type !== 'im' || message.subtype !== undefined || 'bot_id' in message) return;
      const m = message as { user: string; channel: string; text?: string; ts: string; thread_ts?: string };
      const said = { user: m.user, channel: m.channel, text: m.text ?? '', threadTs: m.thread_ts ?? m.ts };
      await ctx.afterAck(() => converse(ctx, client, said, (e) => logger.error(e)));
    });

    app.event('app_home_opened', async ({ event, client, logger }) => {
      if (event.tab !== 'home') return;
      const optional = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
        try {
          return await f();
        } catch (err) {
          logger.warn(`App Home: ${(err as Error).message}`);
          return undefined;
        }
      };
      const [paper, runs, recent] = await Promise.all([
        optional(() => ctx.services.leaderboard('one', 'paper')),
        optional(() => ctx.services.leaderboard('one', 'runs')),
        optional(() => ctx.services.recentRequests(event.user)),
      ]);
      await client.views.publish({ user_id: event.user, view: homeView({ paper, runs, recent: recent ?? [] }) });
    });
  },
};
