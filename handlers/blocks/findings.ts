// The ephemeral answer when a text holds personal information for an external model: the findings
// highlighted in the text, the masked text, and the choice "Send masked" / "Cancel".
import type { KnownBlock } from '@slack/types';
import { forPeople } from '../../src/base/shown.js';
import { KIND_LABELS, type Finding } from '../../src/privacy/kinds.js';
import type { FindingsError } from '../../src/privacy/free-text.js';
import type { Message } from './run.js';
import { codeBlocks, context, cut, escape, LIMITS, section } from './text.js';

export const FINDINGS_ACTIONS = { sendMasked: 'free_text_send_masked', cancel: 'free_text_cancel' } as const;

/** The text with each finding in bold, followed by its kind: 長女の*真由美*〔氏名〕さん (raw: `section` escapes it). */
export function highlighted(text: string, findings: readonly Finding[]): string {
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += `${text.slice(at, f.start)}*${f.text}*〔${KIND_LABELS[f.kind]}〕`;
    at = f.end;
  }
  return out + text.slice(at);
}

export function findingsMessage(text: string, err: FindingsError, pendingId: string): Message {
  const blocks: KnownBlock[] = [
    section(`:lock: *Not sent.* ${forPeople(err.message, 'chat').replace(/^Not sent: /, '')}`),
    section(`*Found in your text*\n${cut(highlighted(text, err.findings), 2900)}`),
    section('*What would be sent masked*'),
    // Byte for byte what Send masked sends (the service refuses any other text).
    ...codeBlocks(err.masked),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: FINDINGS_ACTIONS.sendMasked,
          style: 'primary',
          text: { type: 'plain_text', text: 'Send masked' },
          value: pendingId,
        },
        {
          type: 'button',
          action_id: FINDINGS_ACTIONS.cancel,
          text: { type: 'plain_text', text: 'Cancel' },
          value: pendingId,
        },
      ],
    },
    context('Only you see this. The text itself is not stored; an audit row keeps its hash and length.'),
  ];
  return { text: cut(escape(forPeople(err.message, 'chat')), LIMITS.messageText), blocks };
}
