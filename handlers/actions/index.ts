import { RUN_ACTIONS } from '../blocks/run.js';
import type { BotContext, Listener } from '../context.js';
import { COST_ACTIONS, costButton } from './confirm-cost.js';
import { runButton } from './run-buttons.js';
import { RATE_SELECTS, rateComment, rateDefinitions, rateSelect } from './rating.js';
import { RATE_ACTIONS } from '../blocks/rating.js';
import { FINDINGS_ACTIONS } from '../blocks/findings.js';
import { freeTextChoice } from './free-text.js';

export default {
  listeners(ctx: BotContext): Listener[] {
    const action = (id: string, acts: Listener['acts'], handler: Listener['handler']): Listener => ({
      kind: 'action',
      id,
      acts,
      handler,
    });
    return [
      action(RUN_ACTIONS.random, ['run-replay', 'run-live'], runButton(ctx)),
      action(RUN_ACTIONS.model, ['run-replay', 'run-live'], runButton(ctx)),
      action(RUN_ACTIONS.shot, ['run-replay', 'run-live'], runButton(ctx)),
      action(RUN_ACTIONS.all, ['eval-replay', 'eval-live'], runButton(ctx)),
      ...RATE_SELECTS.map(([id, criterion]) => action(id, ['rate'], rateSelect(ctx, criterion))),
      action(RATE_ACTIONS.definitions, ['read'], rateDefinitions(ctx)),
      action(RATE_ACTIONS.comment, ['comment'], rateComment(ctx)),
      action(COST_ACTIONS.confirm, ['eval-live'], costButton(ctx)),
      action(COST_ACTIONS.cancel, ['eval-live'], costButton(ctx)),
      action(FINDINGS_ACTIONS.sendMasked, ['free-text'], freeTextChoice(ctx, true)),
      action(FINDINGS_ACTIONS.cancel, ['free-text'], freeTextChoice(ctx, false)),
    ];
  },
};
