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
import { commentOutcome, decodeRated } from '../blocks/rating.js';
import { summary } from '../../src/privacy/free-text.js';
import { modalErrors } from './inputs.js';
import { cannotAnswerIn, tell } from '../refusals.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const picked = z.object({ value: z.object({ selected_option: z.object({ value: z.string().min(1) }) }) });
const taskModalState = z.object({ task: picked, model: picked });
const commentState = z.object({ comment: z.object({ value: z.object({ value: z.string().trim().min(1) }) }) });

/** Acknowledges a submission with `text` shown under the modal's first input (Slack keeps the modal open). */
const refuse = (args: Args, text: string) => args.ack(modalErrors(args.view.callback_id, text));

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
          // Decided before the ack (its refusal is the modal's error): anyone may comment, guests too (acts.ts
          // guestMay), so Slack's answer about the person (awaited only after an ack, index.ts) is not needed.
          authorize('comment', { user: body.user.id }, ctx.config);
          if (rated.batch) rated.output.model = await ctx.services.modelOfOutput(rated.output);
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          return void (await refuse(args, errorText(err)));
        }
        // The check for personal information may take longer than Slack's 3 s (its first call loads a
        // dictionary): the modal says so at once, and is updated with the outcome.
        await args.ack({
          response_action: 'update',
          view: commentOutcome('Checking your comment for personal information…'),
        });
        let outcome: string;
        try {
          const { masked } = await ctx.services.rate(body.user.id, rated.output, {
            comment: state.data.comment.value.value,
          });
          outcome = masked.length
            ? `Comment saved, with personal information masked (${summary(masked)}): it is stored as [氏名], [電話番号]…`
            : 'Comment saved.';
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          outcome = errorText(err);
        }
        // A modal closed meanwhile cannot be updated: the outcome stands in the store either way.
        await args.client.views.update({ view_id: view.id, view: commentOutcome(outcome) }).catch(() => {});
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
          // Nothing goes to a model (nor into the audit as sent) when its answer could not be posted there.
          const unreachable = await cannotAnswerIn(client, channel);
          if (unreachable) throw unreachable;
          await askInThread(ctx, client, { user: body.user.id, channel, threadTs: ts, ask: { task, model, text } });
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          const who = { user: body.user.id, channel, threadTs: ts };
          await tell(client, who, errorText(err), (m) => logger.warn(`shortcut's answer: ${m}`));
        }
      },
    },
  ],
};
