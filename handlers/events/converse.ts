// A mention or a DM: a command of the grammar (`run mr llm-jp`), or a task and the person's own text.
import type { WebClient } from '@slack/web-api';
import { parseConversation } from '../../src/command/conversation.js';
import { isCommandWord, parseCommand, splitWords } from '../../src/command/grammar.js';
import { cutEcho } from '../../src/base/suggest.js';
import { UserError } from '../../src/base/errors.js';
import { authorize } from '../../src/policy/acts.js';
import { fromSlack } from '../slack-text.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { askInThread } from '../free-text.js';
import { helpMessage } from '../blocks/help.js';
import { leaderboardMessage } from '../blocks/tables.js';
import { isExpensive, post, runInThread, type BotContext } from '../context.js';
import { tell } from '../refusals.js';

interface Said {
  user: string;
  channel: string;
  text: string;
  /** The message to answer under (a thread's root, or the message itself). */
  threadTs: string;
}

export async function converse(ctx: BotContext, client: WebClient, said: Said, log: (err: unknown) => void) {
  try {
    // As typed: Slack's entities, links and mentions undone (the bot's own mention removed).
    const text = fromSlack(said.text, { botUserId: ctx.botUserId }).trim();
    const first = text.split(/\s+/)[0] ?? '';
    if (!text || isCommandWord(first, 'help'))
      return void (await post(client, said.channel, helpMessage(), said.threadTs));
    if (isCommandWord(first)) {
      const cmd = parseCommand(splitWords(text), { face: 'slack' });
      if (cmd.kind === 'run') return void (await runInThread(ctx, client, said.channel, said.user, cmd, said.threadTs));
      // --post is the slash command's (who may post where is checked there), never ignored here.
      if (cmd.kind === 'leaderboard' && !cmd.post) {
        return void (await post(
          client,
          said.channel,
          leaderboardMessage(await ctx.services.leaderboard(cmd.shot, cmd.source, cmd.labels)),
          said.threadTs,
        ));
      }
      throw new UserError(`Use \`/jcb ${cutEcho(text)}\` for that.`);
    }
    const ask = parseConversation(text);
    // No model named: the default for free text is a live one.
    if (!ask.model || isExpensive(ctx, ask.model)) authorize('free-text', said, ctx.config);
    await askInThread(ctx, client, { user: said.user, channel: said.channel, threadTs: said.threadTs, ask });
  } catch (err) {
    if (isUnexpected(err)) log(err);
    // In the thread; when Slack refuses that too (an archived channel, the bot removed), by another way.
    const who = { user: said.user, channel: said.channel, threadTs: said.threadTs };
    const answer = (text: string) => post(client, said.channel, { text, blocks: [] }, said.threadTs);
    await tell(client, { ...who, answer }, errorText(err), (m) => log(new Error(`error not told: ${m}`)));
  }
}
