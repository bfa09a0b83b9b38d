// The buttons of a run's parent message: another document, another model, the other shot, everything.
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { UserError } from '../../src/base/errors.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { decodeRef, RUN_ACTIONS } from '../blocks/run.js';
import { authorize } from '../../src/policy/acts.js';
import { evaluateInBackground, isExpensive, runInThread, runWeight, type BotContext } from '../context.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

const LOST = 'This button has lost what it was about; run the command again.';
/** A model picked in the menu: an alias (the menu's options are the registry's aliases). */
const pickedModel = z.string().min(1).max(100);
/**
 * Another document, model or shot: the same person's same press while the first runs (at most this long) is the
 * same press.
 */
export const PRESS_HOLD_MS = 60_000;
/** "Evaluate on every document" queues one run per message within this (a run then exists: `/jcb status`). */
export const ALL_HOLD_MS = 60 * 60_000;

/** The message the button is on (its ts). */
const messageOf = (body: BlockAction): string | undefined => body.container?.message_ts ?? body.message?.ts;

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
        if (!ref || !channel) throw new UserError(LOST);
        const req = { task: ref.t, model: ref.m, doc: ref.d, shot: ref.s };
        const picked = action.type === 'static_select' ? pickedModel.safeParse(action.selected_option?.value) : undefined;
        if (picked && !picked.success) throw new UserError(LOST);
        const all = action.action_id === RUN_ACTIONS.all;
        // Asked first (as runInThread and evaluateInBackground ask again): a refusal is told as one, not as a repeat.
        const chosen = picked?.data ?? ref.m;
        const live = isExpensive(ctx, chosen);
        const act = all ? (live ? 'eval-live' : 'eval-replay') : live ? 'run-live' : 'run-replay';
        authorize(act, { user: body.user.id, channel, data: ctx.services.dataContext(ref.t, chosen) }, ctx.config);
        // One press acts once: a double click (or a repeat within the hold) is told so, nothing runs twice.
        const key = [action.action_id, channel, messageOf(body) ?? '', action.block_id, picked?.data ?? '', all ? '' : body.user.id];
        const { id, claim } = await ctx.services.claimPress(key.join('\u0000'), body.user.id, all ? ALL_HOLD_MS : PRESS_HOLD_MS);
        if (!claim.acted) {
          const text = all
            ? claim.outcome
              ? `Already queued from this message: run ${claim.outcome} (\`/jcb status ${claim.outcome}\`); nothing more was queued.`
              : 'Already being queued from this message; nothing more was queued.'
            : 'Already on it: one press runs it once.';
          return void (await respond({ response_type: 'ephemeral', replace_original: false, text }));
        }
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
          case RUN_ACTIONS.all: {
            let queuedAs: string | undefined;
            const cmd = { task: ref.t, model: ref.m, shot: ref.s, noCache: false };
            await evaluateInBackground(ctx, client, channel, body.user.id, cmd, async (run) => {
              queuedAs = run;
              await ctx.services.settleButton(id, run);
            }).catch(async (err: unknown) => {
              // Nothing queued: the button stands again.
              if (queuedAs === undefined) await ctx.services.settleButton(id, undefined);
              throw err;
            });
            return;
          }
        }
        // Held while it runs (a double click runs once), free again once it has been posted.
        await runInThread(ctx, client, channel, body.user.id, req).finally(() => ctx.services.settleButton(id, undefined));
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(err) });
      }
    }, weight);
  };
}
