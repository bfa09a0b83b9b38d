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

/** What the Confirm and Cancel buttons carry: the evaluation that was costed, checked whole when pressed. */
const costed = z.strictObject({
  task: z.string().min(1).max(64),
  model: z.string().min(1).max(100),
  shot: z.enum(['one', 'zero']),
  /** The --limit that was costed; null: every document was. */
  limit: z.number().int().positive().max(1_000_000).nullable(),
  runId: z.string().min(1).max(64).nullable(),
  noCache: z.boolean(),
  /** --max-cost in US dollars: the workers stop the run once it is spent. */
  maxCost: z.number().positive().max(1_000_000).nullable(),
  /** --labels, --documents and --concurrency as given (null: not given; the run's defaults). */
  labels: z.enum(['paper', 'reviewed']).nullable(),
  documents: z.enum(['paper', 'all']).nullable(),
  concurrency: z.number().int().min(1).max(256).nullable(),
});
/** ...and the one-time offer it belongs to (services.issueButton). */
const carried = costed.extend({ offer: z.string().regex(/^offer:[0-9a-f]{24}$/) });
type Costed = z.infer<typeof costed>;

/** How long a cost offer stands: its estimate is of now (prices, cache). */
export const OFFER_TTL_MS = 60 * 60_000;

const AGAIN = 'run `/jcb eval` again for a fresh estimate';

/** The offer a button carries, checked whole. @throws UserError when it is not one of ours. */
function carriedOffer(value: string | undefined): { offer: string; costed: Costed; value: string } {
  let parsed: z.infer<typeof carried>;
  try {
    parsed = carried.parse(JSON.parse(value ?? ''));
  } catch {
    throw new UserError(`This button is not one I offered: nothing was queued; ${AGAIN}.`);
  }
  const { offer, ...rest } = parsed;
  return { offer, costed: rest, value: JSON.stringify(costed.parse(rest)) };
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

const toCommand = (c: Costed): EvalCommand => ({
  task: c.task,
  model: c.model,
  shot: c.shot,
  noCache: c.noCache,
  ...(c.limit !== null ? { limit: c.limit } : {}),
  ...(c.runId !== null ? { runId: c.runId } : {}),
  ...(c.maxCost !== null ? { maxCost: c.maxCost } : {}),
  ...(c.labels !== null ? { labels: c.labels } : {}),
  ...(c.documents !== null ? { documents: c.documents } : {}),
  ...(c.concurrency !== null ? { concurrency: c.concurrency } : {}),
});

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
    text = `${setting}: cost unknown (models.yml has no prices for it): ${tokens}. Queue it?`;
  } else {
    if (e.expectedCostUsd <= ctx.config.confirmCostUsd) return undefined;
    text = `${setting} would cost about *${usd(e.expectedCostUsd)}* (at most ${usd(e.maxCostUsd!)}): ${tokens}. Queue it?`;
  }
  const { task, model, shot } = cmd;
  const offered = JSON.stringify(
    costed.parse({
      task,
      model,
      shot,
      limit: cmd.limit ?? null,
      runId: cmd.runId ?? null,
      noCache: cmd.noCache ?? false,
      maxCost: cmd.maxCost ?? null,
      labels: cmd.labels ?? null,
      documents: cmd.documents ?? null,
      concurrency: cmd.concurrency ?? null,
    }),
  );
  const offer = await ctx.services.issueButton(user, offered, OFFER_TTL_MS);
  const value = JSON.stringify({ ...(JSON.parse(offered) as Costed), offer });
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
          ? 'cost unknown (models.yml has no prices for it)'
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
        const { task, model } = pressed.costed;
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
        const cmd = toCommand(pressed.costed);
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
