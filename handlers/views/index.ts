// The shortcut's modal submitted: the answer goes into the message's thread.
import type { App } from '@slack/bolt';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { isExpensive, type BotContext } from '../context.js';
import { askInThread } from '../free-text.js';
import { MODAL_ID } from '../shortcuts/index.js';
import { COMMENT_MODAL } from '../actions/rating.js';
import { decodeRated } from '../blocks/rating.js';

export default {
  register(app: App, ctx: BotContext) {
    app.view(COMMENT_MODAL, async ({ ack, view, body }) => {
      await ack();
      const rated = decodeRated(view.private_metadata);
      const comment = view.state.values.comment?.value?.value ?? '';
      if (!rated || !comment) return;
      if (rated.batch) rated.output.model = await ctx.services.modelOfOutput(rated.output);
      await ctx.services.rate(body.user.id, rated.output, { comment });
    });

    app.view(MODAL_ID, async ({ ack, view, body, client, logger }) => {
      await ack();
      const { channel, ts, text } = JSON.parse(view.private_metadata) as { channel: string; ts: string; text: string };
      const task = view.state.values.task.value.selected_option?.value ?? '';
      const model = view.state.values.model.value.selected_option?.value ?? '';
      try {
        if (isExpensive(ctx, model)) ctx.safety.checkExpensive(body.user.id, channel, `Sending text to ${model}`);
        await askInThread(ctx, client, { user: body.user.id, channel, threadTs: ts, ask: { task, model, text } });
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await client.chat.postEphemeral({ channel, user: body.user.id, text: errorText(err), thread_ts: ts });
      }
    });
  },
};
