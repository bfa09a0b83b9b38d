// `/jcb eval` of a live model that would cost more than JCB_CONFIRM_COST_USD: the estimate first, with
// Confirm / Cancel buttons; nothing is queued before Confirm.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { UserError } from '../../src/base/errors.js';
import { authorize } from '../../src/policy/acts.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import type { Message } from '../blocks/run.js';
import { evaluateInBackground, isExpensive, type BotContext } from '../context.js';
import type { ButtonClaim, EvalCommand } from '../../src/services/index.js';

export const COST_ACTIONS = { confirm: 'jcb_cost_confirm', cancel: 'jcb_cost_cancel' } as const;

/**
 * What the Confirm and Cancel buttons carry: the `eval` command as Slack's grammar parsed it, whole (every option
 * it takes, with no list of them here to forget one), and the one-time offer it belongs to (services.issueButton).
 * Checked for its shape when pressed; what it says is then checked whole by the offer, which holds the hash of
 * exactly what was issued (a value changed in any way is not one we offered).
 */
const carried = z.strictObject({
  offer: z.string().regex(/^offer:[0-9a-f]{24}$/),
  cmd: z
    .object({
      task: z.string().min(1).max(64),
      model: z.string().min(1).max(100),
      shot: z.enum(['one', 'zero']),
    })
    .catchall(z.union([z.string().max(200), z.number(), z.boolean()])),
});

/** Slack's most characters in a button's value. */
export const BUTTON_VALUE_MAX = 2000;

/** The Confirm/Cancel value carrying `cmd` under `offer`. @throws UserError in one line when Slack could not carry it. */
export function offerValue(cmd: EvalCommand, offer: string): string {
  const value = JSON.stringify({ cmd, offer });
  if (value.length > BUTTON_VALUE_MAX)
    throw new UserError(
      `This evaluation is too long to offer on a Confirm button (${value.length.toLocaleString('en-US')} characters; Slack takes ${BUTTON_VALUE_MAX.toLocaleString('en-US')}): nothing was queued.`,
      'Name the task, model and run with fewer characters.',
    );
  return value;
}

/** How long a cost offer stands: its estimate is of now (prices, cache). */
export const OFFER_TTL_MS = 60 * 60_000;

const AGAIN = 'run `/jcb eval` again for a fresh estimate';

/** The offer a button carries, checked for its shape. @throws UserError when it is not one of ours. */
function carriedOffer(value: string | undefined): { offer: string; cmd: EvalCommand; value: string } {
  try {
    const raw = JSON.parse(value ?? '') as { cmd?: unknown };
    const { offer, cmd } = carried.parse(raw);
    // The command's own text as issued (JSON.parse keeps its order): what the offer's hash is of.
    return { offer, cmd: cmd as EvalCommand, value: JSON.stringify(raw.cmd) };
  } catch {
    throw new UserError(`This button is not one I offered: nothing was queued; ${AGAIN}.`);
  }
}

/** One line for a press that does not act (services.claimOffer). */
export function claimRefusal(claim: Exclude<ButtonClaim, { acted: true }>): string {
  switch (claim.why) {
    case 'taken':
      if (claim.outcome === CANCELLED) return 'That offer was cancelled: nothing was queued.';
      return claim.outcome
        ? `Already confirmed: run ${claim.outcome} is queued (\`/jcb status ${claim.outcome}\`); nothing more was queued.`
        : 'Already confirmed: the run is being queued; nothing more was queued.';
    case 'not-yours':
      return `This offer is not yours: nothing was queued; ${AGAIN} yourself.`;
    case 'expired':
      return `This offer has expired: nothing was queued; ${AGAIN}.`;
    case 'unknown':
    case 'changed':
      return `This button is not one I offered: nothing was queued; ${AGAIN}.`;
  }
}

const CANCELLED = 'cancelled';

const usd = (n: number) => `$${n.toFixed(2)}`;

const n = (x: number) => x.toLocaleString('en-US');

/**
 * The confirmation to show instead of queueing, or undefined when the run may be queued at once: asked
 * when the estimate is above JCB_CONFIRM_COST_USD, and whenever the cost is unknown (no `prices`) for a
 * model on an external provider, which bills per token; an on-premises model without prices costs
 * nothing per token and is queued at once.
 */
export async function costConfirmation(ctx: BotContext, cmd: EvalCommand, user: string): Promise<Message | undefined> {
  if (!isExpensive(ctx, cmd.model)) return undefined;
  const e = await ctx.services.estimate(cmd);
  if (e.calls === 0) return undefined;
  const tokens = `${n(e.calls)} calls, ${n(e.promptTokens)} prompt tokens${e.exact ? '' : ' (estimated)'}`;
  const setting = `*${e.task}* on *${e.model}* (${e.shot}-shot)`;
  let text: string;
  if (e.expectedCostUsd === null) {
    // With --max-cost, queueing refuses the model for its lack of prices: nothing to confirm.
    if (e.dataPolicy !== 'external' || cmd.maxCost !== undefined) return undefined;
    text = `${setting}: cost unknown (no prices are known for it): ${tokens}. Queue it?`;
  } else {
    if (e.expectedCostUsd <= ctx.config.confirmCostUsd) return undefined;
    text = `${setting} would cost about *${usd(e.expectedCostUsd)}* (at most ${usd(e.maxCostUsd!)}): ${tokens}. Queue it?`;
  }
  // The command as parsed, whole: JSON leaves out what was not given.
  const offered = JSON.stringify(cmd);
  offerValue(cmd, `offer:${'0'.repeat(24)}`); // refused before an offer is issued when Slack could not carry it
  const value = offerValue(cmd, await ctx.services.issueButton(user, offered, OFFER_TTL_MS));
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
            value,
          },
        ],
      },
    ],
  };
}

/**
 * `/jcb eval … --dry-run`: what the evaluation would send and cost, in one line; nothing queued, nothing to confirm
 * (help: "send nothing").
 */
export async function dryRunMessage(ctx: BotContext, cmd: EvalCommand): Promise<Message> {
  const e = await ctx.services.estimate(cmd);
  const documents = `${n(e.documents)} documents`;
  const what = e.offline
    ? `${documents}, ${e.offline === 'replay' ? 'replayed from the release' : 'answered here'}: no requests, $0`
    : `${documents}, ${n(e.calls)} calls, ${n(e.promptTokens)} prompt tokens${e.exact ? '' : ' (estimated)'}, ${
        e.expectedCostUsd === null
          ? 'cost unknown (no prices are known for it)'
          : `about ${usd(e.expectedCostUsd)}, at most ${usd(e.maxCostUsd!)}`
      }`;
  const text = `Dry run of *${e.task}* on *${e.model}* (${e.shot}-shot): ${what}. Nothing was queued: leave out --dry-run to queue it.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

export function costButton(ctx: BotContext) {
  return async ({ ack, body, action, client, respond, logger }: Args) => {
    await ack();
    await ctx.afterAck(async () => {
      try {
        const channel = body.channel?.id ?? '';
        authorize('eval-live', { user: body.user.id, channel }, ctx.config);
        const pressed = carriedOffer(action.value);
        const { task, model } = pressed.cmd;
        authorize(
          'eval-live',
          { user: body.user.id, channel, data: ctx.services.dataContext(task, model) },
          ctx.config,
        );
        const claim = await ctx.services.claimOffer(pressed.offer, body.user.id, pressed.value);
        if (!claim.acted)
          return void (await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: claimRefusal(claim),
          }));
        if (action.action_id === COST_ACTIONS.cancel) {
          await ctx.services.settleButton(pressed.offer, CANCELLED);
          return void (await respond({ replace_original: true, text: 'Cancelled: nothing was queued.' }));
        }
        const cmd = pressed.cmd;
        let queuedAs: string | undefined;
        try {
          const queued = await evaluateInBackground(ctx, client, channel, body.user.id, cmd, async (id) => {
            queuedAs = id;
            await ctx.services.settleButton(pressed.offer, id);
          });
          await respond({
            replace_original: true,
            text: `Confirmed by <@${body.user.id}>: run ${queued.run.id} queued.`,
          });
        } catch (err) {
          // Nothing queued: the offer stands again (a press after the cause is fixed queues it once).
          if (queuedAs === undefined) await ctx.services.settleButton(pressed.offer, undefined);
          throw err;
        }
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) });
      }
    });
  };
}
