// `/jcb eval` of a live model that would cost more than JCB_CONFIRM_COST_USD: the estimate first, with
// Confirm / Cancel buttons; nothing is queued before Confirm.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { UserError } from '../../src/base/errors.js';
import { authorize } from '../../src/policy/acts.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import type { Message } from '../blocks/run.js';
import { evaluateInBackground, isExpensive, type BotContext } from '../context.js';
import type { EvalCommand } from '../../src/services/index.js';

export const COST_ACTIONS = { confirm: 'jcb_cost_confirm', cancel: 'jcb_cost_cancel' } as const;

/** What the Confirm button carries: the evaluation to queue (checked again when pressed). */
const carried = z.strictObject({
  task: z.string(),
  model: z.string(),
  shot: z.enum(['one', 'zero']),
  limit: z.number().int().positive().optional(),
  runId: z.string().optional(),
  noCache: z.boolean(),
  /** --max-cost in US dollars: the workers stop the run once it is spent. */
  maxCost: z.number().positive().optional(),
});

const LOST = 'This button has lost what it was about; run `/jcb eval` again.';

/** The evaluation a Confirm button carries, checked whole. @throws UserError when it is not one of ours. */
function carriedEval(value: string | undefined): z.infer<typeof carried> {
  try {
    return carried.parse(JSON.parse(value ?? ''));
  } catch {
    throw new UserError(LOST);
  }
}

const usd = (n: number) => `$${n.toFixed(2)}`;

const n = (x: number) => x.toLocaleString('en-US');

/**
 * The confirmation to show instead of queueing, or undefined when the run may be queued at once: asked
 * when the estimate is above JCB_CONFIRM_COST_USD, and whenever the cost is unknown (no `prices`) for a
 * model on an external provider, which bills per token; an on-premises model without prices costs
 * nothing per token and is queued at once.
 */
export async function costConfirmation(ctx: BotContext, cmd: EvalCommand): Promise<Message | undefined> {
  if (!isExpensive(ctx, cmd.model)) return undefined;
  const e = await ctx.services.estimate(cmd);
  if (e.calls === 0) return undefined;
  const tokens = `${n(e.calls)} calls, ${n(e.promptTokens)} prompt tokens${e.exact ? '' : ' (estimated)'}`;
  const setting = `*${e.task}* on *${e.model}* (${e.shot}-shot)`;
  let text: string;
  if (e.expectedCostUsd === null) {
    // With --max-cost, queueing refuses the model for its lack of prices: nothing to confirm.
    if (e.dataPolicy !== 'external' || cmd.maxCost !== undefined) return undefined;
    text = `${setting}: cost unknown (models.yml has no prices for it): ${tokens}. Queue it?`;
  } else {
    if (e.expectedCostUsd <= ctx.config.confirmCostUsd) return undefined;
    text = `${setting} would cost about *${usd(e.expectedCostUsd)}* (at most ${usd(e.maxCostUsd!)}): ${tokens}. Queue it?`;
  }
  const { task, model, shot, limit, runId, maxCost } = cmd;
  const value = JSON.stringify(
    carried.parse({ task, model, shot, limit, runId, maxCost, noCache: cmd.noCache ?? false }),
  );
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            style: 'primary',
            action_id: COST_ACTIONS.confirm,
            text: { type: 'plain_text', text: 'Confirm' },
            value,
          },
          {
            type: 'button',
            action_id: COST_ACTIONS.cancel,
            text: { type: 'plain_text', text: 'Cancel' },
            value: 'cancel',
          },
        ],
      },
    ],
  };
}

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

export function costButton(ctx: BotContext) {
  return async ({ ack, body, action, client, respond, logger }: Args) => {
    await ack();
    await ctx.afterAck(async () => {
      try {
        const channel = body.channel?.id ?? '';
        authorize('eval-live', { user: body.user.id, channel }, ctx.config);
        if (action.action_id === COST_ACTIONS.cancel)
          return void (await respond({ replace_original: true, text: 'Cancelled: nothing was queued.' }));
        const cmd = carriedEval(action.value);
        authorize('eval-live', { user: body.user.id, channel, data: ctx.services.dataContext(cmd.task, cmd.model) }, ctx.config);
        const queued = await evaluateInBackground(ctx, client, channel, body.user.id, cmd);
        await respond({
          replace_original: true,
          text: `Confirmed by <@${body.user.id}>: run ${queued.run.id} queued.`,
        });
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) });
      }
    });
  };
}
