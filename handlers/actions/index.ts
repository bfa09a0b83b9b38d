import type { App } from '@slack/bolt';
import { RUN_ACTIONS } from '../blocks/run.js';
import type { BotContext } from '../context.js';
import { runButton } from './run-buttons.js';

export default {
  register(app: App, ctx: BotContext) {
    for (const id of Object.values(RUN_ACTIONS)) app.action(id, runButton(ctx));
  },
};
