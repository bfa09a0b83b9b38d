// Every listener, registered in one place, grouped by kind.
import type { App } from '@slack/bolt';
import actions from './actions/index.js';
import commands from './commands/index.js';
import type { BotContext } from './context.js';
import events from './events/index.js';
import shortcuts from './shortcuts/index.js';
import views from './views/index.js';

export function registerListeners(app: App, ctx: BotContext): void {
  // Slack retries what it thinks went unanswered: an event over HTTP, and in Socket Mode any envelope
  // not acknowledged before its connection dropped (re-sent on the next one). An event is known by its
  // event id, a command, button or view by its trigger id: never worked twice, a repeat only acknowledged.
  app.use(async (args) => {
    const body = args.body as { event_id?: string; trigger_id?: string };
    const id = body.event_id ?? body.trigger_id;
    if (id && !ctx.safety.firstTime(id)) {
      await (args as { ack?: () => Promise<void> }).ack?.();
      return;
    }
    await args.next();
  });
  actions.register(app, ctx);
  commands.register(app, ctx);
  events.register(app, ctx);
  shortcuts.register(app, ctx);
  views.register(app, ctx);
}
