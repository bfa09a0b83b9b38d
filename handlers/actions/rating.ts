// Ratings: each select stores one criterion; a blind batch moves on once all three are given.
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { UserError } from '../../src/base/errors.js';
import { CRITERIA, DEFINITIONS, type Criterion } from '../../src/ratings/ratings.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { batchItemMessage, decodeRated, RATE_ACTIONS } from '../blocks/rating.js';
import { escape } from '../blocks/text.js';
import { commentModalBlocks } from '../blocks/modal.js';
import { authorize } from '../../src/policy/acts.js';
import type { BotContext } from '../context.js';
import { refusedAs } from '../refusals.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;
export const COMMENT_MODAL = 'rate_comment_modal';
/** What a rating menu's options carry. */
const ONE_TO_FIVE = z.enum(['1', '2', '3', '4', '5']);

/** Per rater and output, the criteria given so far in a batch (to deal the next output when all three are). */
const given = new Map<string, Set<Criterion>>();
const batchCount = new Map<string, number>();

export function rateSelect(ctx: BotContext, criterion: Criterion) {
  return async ({ ack, body, action, respond, logger }: Args) => {
    await ack();
    try {
      authorize('rate', { user: body.user.id }, ctx.config);
      const rated = decodeRated(action.block_id);
      if (!rated || action.type !== 'static_select' || !action.selected_option)
        throw new UserError('This rating control has lost its output.');
      const score = ONE_TO_FIVE.safeParse(action.selected_option.value);
      if (!score.success) throw new UserError('A rating is a whole number from 1 to 5; pick one from the menu.');
      const value = Number(score.data);
      if (rated.batch) rated.output.model = await ctx.services.modelOfOutput(rated.output);
      await ctx.services.rate(body.user.id, rated.output, { [criterion]: value });
      if (!rated.batch) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: `Saved: ${criterion} ${value}.` });
        return;
      }
      const key = `${body.user.id}\u0000${action.block_id}`;
      const set = given.get(key) ?? new Set<Criterion>();
      set.add(criterion);
      given.set(key, set);
      if (set.size < CRITERIA.length) return;
      given.delete(key);
      const count = (batchCount.get(body.user.id) ?? 0) + 1;
      batchCount.set(body.user.id, count);
      const next = await ctx.services.nextToRate(body.user.id, rated.output.task);
      if (!next)
        return void (await respond({
          replace_original: true,
          text: escape(`Thank you: ${count} rated, none left for ${rated.output.task}.`),
        }));
      await respond({ replace_original: true, ...batchItemMessage(next, count) });
    } catch (err) {
      if (isUnexpected(err)) logger.error(err);
      await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) });
    }
  };
}

export function rateDefinitions(ctx: BotContext) {
  return async ({ ack, body, respond }: Args) => {
    await ack();
    authorize('read', { user: body.user.id }, ctx.config);
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: CRITERIA.map((c) => `• ${DEFINITIONS[c]}`).join('\n'),
    });
  };
}

export function rateComment(ctx: BotContext) {
  return async ({ ack, body, action, client, respond, logger }: Args) => {
    await ack();
    try {
      authorize('comment', { user: body.user.id }, ctx.config);
      if (!decodeRated(action.block_id)) throw new UserError('This comment button has lost its output.');
      // Slack refuses a form opened too late (expired_trigger_id): said as "click again" (handlers/refusals.ts).
      await refusedAs({}, () =>
        client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: 'modal',
            callback_id: COMMENT_MODAL,
            private_metadata: action.block_id,
            title: { type: 'plain_text', text: 'Comment' },
            submit: { type: 'plain_text', text: 'Save' },
            blocks: commentModalBlocks(),
          },
        }),
      );
    } catch (err) {
      if (isUnexpected(err)) logger.error(err);
      await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) });
    }
  };
}

export const RATE_SELECTS: [string, Criterion][] = CRITERIA.map((c) => [RATE_ACTIONS[c], c]);
