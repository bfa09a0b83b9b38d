// Every listener, registered in one place from one registry, grouped by kind. Each says which acts
// (src/policy/acts.ts) it can lead to; test/acts.test.ts walks this registry against the acts table.
import type { App } from '@slack/bolt';
import actions from './actions/index.js';
import commands from './commands/index.js';
import type { BotContext, Listener } from './context.js';
import { limitEveryDoor } from './doors.js';
import events from './events/index.js';
import shortcuts from './shortcuts/index.js';
import views from './views/index.js';

/** Every listener of the bot: kind, id (command, action id, callback id, event type), acts, handler. */
export function listenerRegistry(ctx: BotContext): Listener[] {
  return [actions, commands, events, shortcuts, views].flatMap((group) => group.listeners(ctx));
}

export function registerListeners(app: App, ctx: BotContext): void {
  // Repeats and other workspaces are turned away before this (doors.ts, guardEntry); the limit is per person.
  app.use(limitEveryDoor(ctx));
  for (const l of listenerRegistry(ctx)) {
    const handler = l.handler as never;
    switch (l.kind) {
      case 'command':
        app.command(l.id, handler);
        break;
      case 'action':
        app.action(l.id, handler);
        break;
      case 'view':
        app.view(l.id, handler);
        break;
      case 'shortcut':
        app.shortcut({ callback_id: l.id, type: 'message_action' }, handler);
        break;
      case 'event':
        app.event(l.id, handler);
        break;
      case 'message':
        app.message(handler);
        break;
    }
  }
}
