// The message shortcut "Run a J-ClinicalBench task": a modal picks the task and model for the message's text.
import type { App } from '@slack/bolt';
import { MAX_FREE_TEXT } from '../../src/command/conversation.js';
import { UserError } from '../../src/base/errors.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { taskModalBlocks } from '../blocks/modal.js';
import type { BotContext } from '../context.js';

export const SHORTCUT_ID = 'run_task_on_message';
export const MODAL_ID = 'run_task_modal';
/** A modal's private_metadata holds at most 3,000 characters: the message text travels in it. */
const METADATA_ROOM = 2800;

export default {
  register(app: App, ctx: BotContext) {
    app.shortcut({ callback_id: SHORTCUT_ID, type: 'message_action' }, async ({ ack, shortcut, client, logger }) => {
      await ack();
      const text = shortcut.message.text ?? '';
      const meta = JSON.stringify({
        channel: shortcut.channel.id,
        ts: shortcut.message.thread_ts ?? shortcut.message.ts,
        text,
      });
      try {
        ctx.safety.checkRate(shortcut.user.id);
        if (!text.trim()) throw new UserError('That message has no text to run a task on.');
        if (meta.length > METADATA_ROOM || Array.from(text).length > MAX_FREE_TEXT) {
          throw new UserError(
            `That message is too long for a task (${Array.from(text).length} characters).`,
            'Copy a part of it into a DM to me.',
          );
        }
        const tasks = ctx.services
          .tasks()
          .filter((t) => ['cts', 'cca', 'mr', 'dc-tnm', 'ner-d', 'ner-med', 'hs-pn'].includes(t.id));
        const models = ctx.services.models().filter((m) => m.provider !== 'replay');
        const blocks = taskModalBlocks(text, tasks, models);
        await client.views.open({
          trigger_id: shortcut.trigger_id,
          view: {
            type: 'modal',
            callback_id: MODAL_ID,
            private_metadata: meta,
            title: { type: 'plain_text', text: 'J-ClinicalBench' },
            submit: { type: 'plain_text', text: 'Run' },
            blocks,
          },
        });
      } catch (err) {
        if (isUnexpected(err)) logger.error(err);
        await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, text: errorText(err) });
      }
    });
  },
};
