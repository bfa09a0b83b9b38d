// Modals submitted: the shortcut's (the answer goes into the message's thread) and a rating's comment.
// Their payloads are checked whole (zod) before use: a malformed one is answered in the modal, nothing is done.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { UserError } from '../../src/base/errors.js';
import { authorize } from '../../src/policy/acts.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { isExpensive, type BotContext, type Listener } from '../context.js';
import { askInThread } from '../free-text.js';
import { MODAL_ID, shortcutMetadata } from '../shortcuts/index.js';
import { COMMENT_MODAL } from '../actions/rating.js';
import { decodeRated } from '../blocks/rating.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const picked = z.object({ value: z.object({ selected_option: z.object({ value: z.string().min(1) }) }) });
const taskModalState = z.object({ task: picked, model: picked });
const commentState = z.object({ comment: z.object({ value: z.object({ value: z.string().trim().min(1) }) }) });

/** Acknowledges a submission with `text` shown under the modal's first input (Slack keeps the modal open). */
const refuse = (args: Args, text: string) => {
  const block = Object.keys(args.view.state?.values ?? {})[0];
  return args.ack(block ? { response_action: 'errors', errors: { [block]: text } } : undefined);
};

const LOST = 'This form has lost what it was about; start again from the message.';

export default {
  listeners: (ctx: BotContext): Listener[] => [
    {
      kind: 'view',
      id: COMMENT_MODAL,
      acts: ['comment'],
      handler: async (args: Args) => {
        const { view, body, logger } = args;
        const rated = decodeRated(view.private_metadata);
        const state = commentState.safeParse(view.state?.values);
        if (!rated || !state.success) return void (await refuse(args, rated ? 'Write a comment first.' : LOST));
        try {
          authorize('comment', { user: body.user.id }, ctx.config);
          if (rated.batch) rated.output.model = await ctx.services.modelOfOutput(rated.output);
          await ctx.services.rate(body.user.id, rated.output, { comment: state.data.comment.value.value });
          await args.ack();
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          await refuse(args, errorText(err));
        }
      },
    },
    {
      kind: 'view',
      id: MODAL_ID,
      acts: ['free-text'],
      handler: async (args: Args) => {
        const { view, body, client, logger } = args;
        const meta = shortcutMetadata(view.private_metadata);
        const state = taskModalState.safeParse(view.state?.values);
        if (!meta || !state.success) return void (await refuse(args, LOST));
        await args.ack();
        const task = state.data.task.value.selected_option.value;
        const model = state.data.model.value.selected_option.value;
        const { channel, ts, text } = meta;
        try {
          if (!ctx.services.tasks().some((t) => t.id === task)) throw new UserError(LOST);
          if (isExpensive(ctx, model)) authorize('free-text', { user: body.user.id, channel }, ctx.config);
          await askInThread(ctx, client, { user: body.user.id, channel, threadTs: ts, ask: { task, model, text } });
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          await client.chat.postEphemeral({ channel, user: body.user.id, text: errorText(err), thread_ts: ts });
        }
      },
    },
  ],
};
