import type { App } from '@slack/bolt';
import type { BotContext } from '../context.js';
import { jcbCommand } from './jcb.js';

export default { register: (app: App, ctx: BotContext) => app.command('/jcb', jcbCommand(ctx)) };
