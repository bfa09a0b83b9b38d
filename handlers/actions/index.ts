import type { App } from '@slack/bolt';
import { RUN_ACTIONS } from '../blocks/run.js';
import type { BotContext } from '../context.js';
import { COST_ACTIONS, costButton } from './confirm-cost.js';
import { runButton } from './run-buttons.js';
import { RATE_SELECTS, rateComment, rateDefinitions, rateSelect } from './rating.js';
import { RATE_ACTIONS } from '../blocks/rating.js';
import { FINDINGS_ACTIONS } from '../blocks/findings.js';
import { freeTextChoice } from './free-text.js';

export default {
  register(app: App, ctx: BotContext) {
    for (const id of Object.values(RUN_ACTIONS)) app.action(id, runButton(ctx));
    for (const [id, criterion] of RATE_SELECTS) app.action(id, rateSelect(ctx, criterion));
    app.action(RATE_ACTIONS.definitions, rateDefinitions());
    app.action(RATE_ACTIONS.comment, rateComment());
    for (const id of Object.values(COST_ACTIONS)) app.action(id, costButton(ctx));
    app.action(FINDINGS_ACTIONS.sendMasked, freeTextChoice(ctx, true));
    app.action(FINDINGS_ACTIONS.cancel, freeTextChoice(ctx, false));
  },
};
