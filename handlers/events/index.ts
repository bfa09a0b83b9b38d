import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { authorize } from '../../src/policy/acts.js';
import { homeView } from '../blocks/home.js';
import { converse } from './converse.js';
import { post, type BotContext, type Listener } from '../context.js';
import { tell } from '../refusals.js';

type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;

/** A message with files attached (its text, if any, is read as any DM's). */
export const FILE_SHARE = 'file_share';
/** The answer to files sent without text. */
export const FILES_UNREAD =
  ':warning: I read only the text of a message, not its files: write the task and paste the text, e.g. `drugs: …`.';

/** What a mention or a DM may lead to: a command of the grammar, or free text. */
const CONVERSE_ACTS: Listener['acts'] = ['read', 'run-replay', 'run-live', 'free-text'];

export default {
  listeners: (ctx: BotContext): Listener[] => [
    {
      kind: 'event',
      id: 'app_mention',
      acts: CONVERSE_ACTS,
      handler: async ({ event, client, logger }: EventArgs<'app_mention'>) => {
        if (!event.user) return;
        const said = {
          user: event.user,
          channel: event.channel,
          text: event.text,
          threadTs: event.thread_ts ?? event.ts,
        };
        await ctx.afterAck(() => converse(ctx, client, said, (e) => logger.error(e)));
      },
    },
    {
      // Direct messages; the bot's own messages and edits are not requests.
      kind: 'message',
      id: 'im',
      acts: CONVERSE_ACTS,
      handler: async ({ message, client, logger }: EventArgs<'message'>) => {
        // A message with files (file_share) is a message too: its text is read, its files are not.
        const subtype = message.subtype as string | undefined;
        if (message.channel_type !== 'im' || (subtype !== undefined && subtype !== FILE_SHARE) || 'bot_id' in message)
          return;
        const m = message as { user: string; channel: string; text?: string; ts: string; thread_ts?: string };
        const said = { user: m.user, channel: m.channel, text: m.text ?? '', threadTs: m.thread_ts ?? m.ts };
        if (subtype === FILE_SHARE && !said.text.trim()) {
          const answer = (text: string) => post(client, said.channel, { text, blocks: [] }, said.threadTs);
          const log = (m: string) => logger.warn(`DM with files only: ${m}`);
          return void (await ctx.afterAck(() => tell(client, { ...said, answer }, FILES_UNREAD, log)));
        }
        await ctx.afterAck(() => converse(ctx, client, said, (e) => logger.error(e)));
      },
    },
    {
      kind: 'event',
      id: 'app_home_opened',
      acts: ['home'],
      handler: async ({ event, client, logger }: EventArgs<'app_home_opened'>) => {
        if (event.tab !== 'home') return;
        authorize('home', { user: event.user }, ctx.config);
        const optional = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
          try {
            return await f();
          } catch (err) {
            logger.warn(`App Home: ${(err as Error).message}`);
            return undefined;
          }
        };
        const [paper, runs, recent, reviewed] = await Promise.all([
          optional(() => ctx.services.leaderboard('one', 'paper')),
          optional(() => ctx.services.leaderboard('one', 'runs')),
          optional(() => ctx.services.recentRequests(event.user)),
          optional(() => ctx.services.leaderboard('one', 'paper', 'reviewed')),
        ]);
        const mine = (recent ?? []).map((r) => ({ ...r, private: ctx.services.isPrivateTask(r.task) }));
        const home = homeView({ paper, runs, reviewed, recent: mine });
        await client.views.publish({ user_id: event.user, view: home });
      },
    },
  ],
};
