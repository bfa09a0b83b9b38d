// `/jcb ...`: the shared grammar; acknowledged at once, then the work, then the answer.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand, splitWords } from '../../src/command/grammar.js';
import { UserError } from '../../src/errors.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { helpMessage } from '../blocks/help.js';
import { leaderboardMessage, listMessage } from '../blocks/tables.js';
import { runInThread, type BotContext } from '../context.js';

export const TERMINAL_ONLY = ['score', 'data-pull', 'data-check', 'export', 'models-add', 'runs', 'show'];

export function jcbCommand(ctx: BotContext) {
  return async ({ command, ack, respond, client, logger }: AllMiddlewareArgs & SlackCommandMiddlewareArgs) => {
    let cmd;
    try {
      ctx.safety.checkRate(command.user_id);
      cmd = parseCommand(splitWords(command.text));
    } catch (err) {
      await ack({ response_type: 'ephemeral', text: errorText(err) });
      return;
    }
    await ack();
    try {
      switch (cmd.kind) {
        case 'help':
          return void (await respond({ response_type: 'ephemeral', ...helpMessage() }));
        case 'tasks':
          return void (await respond({
            response_type: 'ephemeral',
            ...listMessage('Tasks', [
              ['id', 'Table 4', 'metric'],
              ...ctx.services.tasks().map((t) => [t.id, t.label, t.metric]),
            ]),
          }));
        case 'models':
          return void (await respond({
            response_type: 'ephemeral',
            ...listMessage('Models', [
              ['alias', 'provider', 'usable'],
              ...ctx.services.models().map((m) => [m.alias, m.provider, m.usable ? 'yes' : `no: ${m.why}`]),
            ]),
          }));
        case 'run':
          await runInThread(ctx, client, command.channel_id, command.user_id, cmd);
          return;
        case 'leaderboard':
          return void (await respond({
            response_type: 'in_channel',
            ...leaderboardMessage(await ctx.services.leaderboard(cmd.shot, cmd.source)),
          }));
        case 'eval':
          throw new UserError(
            'Full evaluations from Slack arrive with the background queue.',
            `Meanwhile, from a terminal: \`jcb eval ${cmd.task} ${cmd.model}\`.`,
          );
        default:
          throw new UserError(
            `"${cmd.kind.replace('-', ' ')}" runs in a terminal: \`npx jcb ${cmd.kind.replace('-', ' ')} …\`.`,
          );
      }
    } catch (err) {
      if (isUnexpected(err)) logger.error(err);
      await respond({ response_type: 'ephemeral', text: errorText(err) });
    }
  };
}
