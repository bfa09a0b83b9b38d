// Requests no listener of the registry answers: a button, select or form of an older version of jcb (an
// action id or callback id it no longer has), a shortcut the app no longer offers. Bolt would leave them
// unacknowledged, and Slack shows an error after 3 s (the HTTP receiver's 404). Each is acknowledged at once
// and the person told, in one line, that it comes from an older version and what to do.
import type { App } from '@slack/bolt';
import type { Listener } from './context.js';
import { noticeModal } from './blocks/modal.js';
import { tell } from './refusals.js';

export const OLDER = {
  action: 'This button is from an older version of jcb and does nothing now: run the command again.',
  view: 'This form is from an older version of jcb and was not saved: close it and start again.',
  shortcut: 'This shortcut is from an older version of jcb: use `/jcb help` to see what it does now.',
} as const;

/** Matches any id: registered after every listener, each of these answers only ids no listener has. */
const ANY = /.*/;

/**
 * Registers the answers to requests of the kinds above whose id is not among `listeners` (the registry): Bolt
 * runs every listener that matches, so these stay silent for the known ids, whose own listeners answer.
 */
export function answerUnknown(app: App, listeners: readonly Listener[]): void {
  const known = (kind: Listener['kind']) => new Set(listeners.filter((l) => l.kind === kind).map((l) => l.id));
  const actions = known('action');
  const views = known('view');
  const shortcuts = known('shortcut');
  const log = (m: string) => app.logger.warn(`older request: ${m}`);

  app.action(ANY, async ({ action, body, ack, respond, client }) => {
    const id = 'action_id' in action ? action.action_id : (action as { callback_id?: string }).callback_id;
    if (id !== undefined && actions.has(id)) return;
    await ack();
    const channel = (body as { channel?: { id?: string } }).channel?.id;
    const answer = (body as { response_url?: string }).response_url
      ? (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text })
      : undefined;
    await tell(client, { user: body.user.id, channel, answer }, OLDER.action, log);
  });

  app.view(ANY, async ({ view, ack }) => {
    if (views.has(view.callback_id)) return;
    await ack({ response_action: 'update', view: noticeModal(OLDER.view) });
  });

  app.shortcut(ANY, async ({ shortcut, ack, client }) => {
    if (shortcuts.has(shortcut.callback_id)) return;
    await ack();
    const channel = 'channel' in shortcut ? shortcut.channel.id : undefined;
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view: noticeModal(OLDER.shortcut) });
    } catch {
      await tell(client, { user: shortcut.user.id, channel }, OLDER.shortcut, log);
    }
  });
}
