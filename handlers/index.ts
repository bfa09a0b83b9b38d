// Every listener, registered in one place, grouped by kind.
import type { App } from '@slack/bolt';
import actions from './actions/index.js';
import commands from './commands/index.js';
import type { BotContext } from './context.js';
import events from './events/index.js';
import shortcuts from './shortcuts/index.js';
import views from './views/index.js';

export function registerListeners(app: App, ctx: BotContext): void {
  // Slack retries an event it thinks went unanswered: the same event id is never worked twice.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !ctx.safety.firstTime(eventId)) return;
    await next();
  });
  actions.register(app, ctx);
  commands.register(app, ctx);
  events.register(app, ctx);
  shortcuts.register(app, ctx);
  views.register(app, ctx);
}
