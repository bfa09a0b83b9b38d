// The buttons of a run's parent message: another document, another model, the other shot, everything.
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { UserError } from '../../src/base/errors.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { decodeRef, RUN_ACTIONS } from '../blocks/run.js';
import { evaluateInBackground, runInThread, runWeight, type BotContext } from '../context.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

export function runButton(ctx: BotContext) {
  return async ({ ack, body, action, client, respond, logger }: Args) => {
    await ack();
    // Light (see afterAck) when a replay or the baseline answers: the model chosen in the menu, else the run's.
    const ref = decodeRef(action.block_id);
    const model = action.type === 'static_select' ? action.selected_option?.value : ref?.m;
    const weight = () => (action.action_id !== RUN_ACTIONS.all && model ? runWeight(ctx, model) : undefined);
    await ctx.afterAck(async () => {
      try {
        const channel = body.channel?.id;
        if (!ref || !channel) throw new UserError('This button has lost what it was about; run the command again.');
        const req = { task: ref.t, model: ref.m, doc: ref.d, shot: ref.s };
        switch (action.action_id) {
          case RUN_ACTIONS.random:
            req.doc = 'random';
            break;
          case RUN_ACTIONS.model:
            if (action.type !== 'static_select' || !action.selected_option) return;
            req.model = action.selected_option.value;
            break;
          case RUN_ACTIONS.shot:
            req.shot = ref.s === 'one' ? 'zero' : 'one';
            break;
          case RUN_ACTIONS.all:
            await evaluateInBackground(ctx, client, channel, body.user.id, {
              task: ref.t,
              model: ref.m,
              shot: ref.s,
              noCache: false,
            });
            return;
        }
        await runInThread(ctx, client, channel, body.user.id, req);
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) });
      }
    }, weight);
  };
}
