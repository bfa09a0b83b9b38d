// The message shortcut "Run a J-ClinicalBench task": a modal picks the task and model for the message's text.
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { MAX_FREE_TEXT } from '../../src/command/conversation.js';
import { UserError } from '../../src/base/errors.js';
import { may } from '../../src/policy/acts.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { taskModalBlocks } from '../blocks/modal.js';
import type { BotContext, Listener } from '../context.js';
import { fromSlack } from '../slack-text.js';
import { codePointLength } from '../../src/base/code-points.js';
import { cannotAnswerIn, refusedAs, tell } from '../refusals.js';
import { noticeModal } from '../blocks/modal.js';

export const SHORTCUT_ID = 'run_task_on_message';
export const MODAL_ID = 'run_task_modal';
/** A modal's private_metadata holds at most 3,000 characters: the message text travels in it. */
const METADATA_ROOM = 2800;
/** The tasks whose input is one text (what a message can be). */
const TEXT_TASKS = ['cts', 'cca', 'mr', 'dc-tnm', 'ner-d', 'ner-med', 'hs-pn'];

const metadata = z.strictObject({ channel: z.string().min(1), ts: z.string().min(1), text: z.string().min(1) });

/** The message a submitted modal is about (its private_metadata), or undefined when it is not ours. */
export function shortcutMetadata(raw: string | undefined): z.infer<typeof metadata> | undefined {
  try {
    return metadata.parse(JSON.parse(raw ?? ''));
  } catch {
    return undefined;
  }
}

type Args = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

const n = (x: number) => x.toLocaleString('en-US');

export default {
  listeners: (ctx: BotContext): Listener[] => [
    {
      kind: 'shortcut',
      id: SHORTCUT_ID,
      acts: ['free-text'],
      handler: async ({ ack, shortcut, client, logger }: Args) => {
        await ack();
        // As typed (Slack's entities undone): the model gets the text, the limit counts it.
        const text = fromSlack(shortcut.message.text ?? '', { botUserId: ctx.botUserId });
        const channel = shortcut.channel.id;
        const meta = JSON.stringify({ channel, ts: shortcut.message.thread_ts ?? shortcut.message.ts, text });
        const who = { user: shortcut.user.id, channel };
        try {
          if (!text.trim()) throw new UserError('That message has no text to run a task on.');
          const length = codePointLength(text);
          if (length > MAX_FREE_TEXT)
            throw new UserError(
              `That message is too long for a task: ${n(length)} characters, the limit is ${n(MAX_FREE_TEXT)}.`,
              'Copy a part of it into a DM to me.',
            );
          // The text travels in the modal's metadata, escaped: a quote, backslash or line break takes two characters.
          const carried = JSON.stringify(text).length - 2;
          const room = METADATA_ROOM - (meta.length - carried);
          if (carried > room)
            throw new UserError(
              `That message is too long for the shortcut: it takes ${n(room)} characters, quotes, backslashes and line breaks counting twice; this one takes ${n(carried)}.`,
              `DM it to me instead (up to ${n(MAX_FREE_TEXT)} characters).`,
            );
          // Nothing is offered (nor later sent to a model) where the answer could not be posted: said in the
          // modal instead, the one place that reaches the person whatever the conversation.
          const unreachable = await cannotAnswerIn(client, channel);
          const tasks = ctx.services.tasks().filter((t) => TEXT_TASKS.includes(t.id));
          // Offered: what this person may then send, so nothing offered is refused (the acts table).
          const models = ctx.services
            .models()
            .filter(
              (m) =>
                m.usable &&
                (m.provider === 'baseline' ||
                  (m.freeText && m.provider !== 'replay' && may('free-text', who, ctx.config))),
            );
          await refusedAs({ channel }, () =>
            client.views.open({
              trigger_id: shortcut.trigger_id,
              view: unreachable
                ? noticeModal(`${unreachable.message} (I would answer in its thread.)`)
                : {
                    type: 'modal',
                    callback_id: MODAL_ID,
                    private_metadata: meta,
                    title: { type: 'plain_text', text: 'J-ClinicalBench' },
                    submit: { type: 'plain_text', text: 'Run' },
                    blocks: taskModalBlocks(text, tasks, models),
                  },
            }),
          );
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          await tell(client, who, errorText(err), (m) => logger.warn(`message shortcut: ${m}`));
        }
      },
    },
  ],
};
