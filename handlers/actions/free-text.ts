// "Send masked" and "Cancel" on the offer made when a text holds personal information.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { authorize } from '../../src/policy/acts.js';
import type { BotContext } from '../context.js';
import { askInThread, takePending } from '../free-text.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function freeTextChoice(ctx: BotContext, masked: boolean) {
  return async ({ ack, action, body, client, respond, logger }: Args) => {
    await ack();
    try {
      authorize('free-text', { user: body.user.id, channel: body.channel?.id }, ctx.config);
    } catch (err) {
      return void (await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) }));
    }
    const asked = takePending(action.value ?? '', body.user.id);
    if (asked === 'not-yours')
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'This is not your request: only the person who sent the text can send or cancel it.',
      }));
    if (asked === 'gone') {
      await respond({ replace_original: true, text: 'That request has expired or was already answered: send your text again.' });
      return;
    }
    if (!masked) {
      await respond({ replace_original: true, text: 'Cancelled: nothing was sent.' });
      return;
    }
    await respond({ replace_original: true, text: 'Sending the masked text…' });
    await ctx.afterAck(async () => {
      try {
        await askInThread(ctx, client, { ...asked, ask: { ...asked.ask, masked: true, shown: asked.shown } });
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await respond({ replace_original: true, text: errorText(err) });
      }
    });
  };
}
