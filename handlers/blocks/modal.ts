// The message shortcut's modal: the message's text, then the task and the model to run on it.
import type { KnownBlock } from '@slack/types';
import { cut, LIMITS, plain, section } from './text.js';

export function taskModalBlocks(
  text: string,
  tasks: readonly { id: string; label: string; title: string }[],
  models: readonly { alias: string; label: string; provider: string }[],
): KnownBlock[] {
  return [
    section(`*Text*\n${cut(text, 500)}`),
    {
      type: 'input',
      block_id: 'task',
      label: plain('Task', LIMITS.placeholder),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: tasks
          .slice(0, 100)
          .map((t) => ({ text: plain(`${t.label}: ${t.title}`, LIMITS.optionText), value: t.id })),
      },
    },
    {
      type: 'input',
      block_id: 'model',
      label: plain('Model', LIMITS.placeholder),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: models
          .slice(0, 100)
          .map((m) => ({ text: plain(`${m.label} (${m.provider})`, LIMITS.optionText), value: m.alias })),
      },
    },
  ];
}

/** A rating's comment modal: one text input. */
export function commentModalBlocks(): KnownBlock[] {
  return [
    {
      type: 'input',
      block_id: 'comment',
      label: plain('Your comment on this output', LIMITS.placeholder),
      element: { type: 'plain_text_input', action_id: 'value', multiline: true },
    },
  ];
}

/** The first input block of a modal's blocks: where a refused submission's one line is shown (`errors`). */
export function firstInput(blocks: readonly KnownBlock[]): string {
  const input = blocks.find((b) => b.type === 'input' && b.block_id);
  if (!input?.block_id) throw new Error('a modal without an input block');
  return input.block_id;
}

/**
 * A modal that only says something (no input, no submit): a refusal, or a form from an older version. `text` is
 * jcb's own mrkdwn (a channel's link stays one), never what people typed.
 */
export function noticeModal(text: string) {
  return {
    type: 'modal' as const,
    title: plain('J-ClinicalBench', LIMITS.placeholder),
    close: plain('Close', LIMITS.buttonText),
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: cut(`:warning: ${text}`, LIMITS.sectionText) } }],
  };
}
