// Rating controls for generated texts: three 1–5 selects, the paper's definitions, a comment.
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { CRITERIA, type RatedOutput } from '../../src/ratings/ratings.js';
import type { Message } from './run.js';
import { code, context, cut, LIMITS, message, plain, section } from './text.js';

export const RATE_ACTIONS = {
  consistency: 'rate_consistency',
  saliency: 'rate_saliency',
  fluency: 'rate_fluency',
  definitions: 'rate_definitions',
  comment: 'rate_comment',
} as const;

/**
 * The output rated, in the block id: `rate:` in a run thread; `rateb:` in a blind batch, without the
 * model's name (payloads are visible to a curious rater), which the output's hash finds again.
 */
export function encodeRated(o: RatedOutput, batch = false): string {
  const ref = batch ? { t: o.task, d: o.doc, h: o.hash } : { t: o.task, m: o.model, d: o.doc, h: o.hash };
  return `${batch ? 'rateb' : 'rate'}:${JSON.stringify(ref)}`.slice(0, 255);
}

const ratedRef = z.strictObject({
  t: z.string().min(1),
  m: z.string().min(1).optional(),
  d: z.string().min(1),
  h: z.string().regex(/^[0-9a-f]{8,64}$/),
});

/** The output a rating control is about, or undefined when the id is not one of ours (checked whole, zod). */
export function decodeRated(blockId: string | undefined): { output: RatedOutput; batch: boolean } | undefined {
  const m = /^(rateb?):(.*)$/.exec(blockId ?? '');
  if (!m) return undefined;
  try {
    const r = ratedRef.parse(JSON.parse(m[2]));
    if ((m[1] === 'rate') !== (r.m !== undefined)) return undefined;
    return { output: { task: r.t, model: r.m ?? '', doc: r.d, hash: r.h }, batch: m[1] === 'rateb' };
  } catch {
    return undefined;
  }
}

function controls(o: RatedOutput, batch: boolean): KnownBlock {
  return {
    type: 'actions',
    block_id: encodeRated(o, batch),
    elements: [
      ...CRITERIA.map((c) => ({
        type: 'static_select' as const,
        action_id: RATE_ACTIONS[c],
        placeholder: plain(c[0].toUpperCase() + c.slice(1), LIMITS.placeholder),
        options: [1, 2, 3, 4, 5].map((v) => ({
          text: plain(`${c} ${v}`, LIMITS.optionText),
          value: String(v),
        })),
      })),
      { type: 'button', action_id: RATE_ACTIONS.definitions, text: plain('Definitions', LIMITS.buttonText) },
      { type: 'button', action_id: RATE_ACTIONS.comment, text: plain('Comment', LIMITS.buttonText) },
    ],
  };
}

export function rateMessage(o: RatedOutput): Message {
  return message('Rate this output', [
    section('*Rate this output* (1–5; a second rating replaces your first)'),
    controls(o, false),
  ]);
}

/** One output of a blind batch: the source, the reference and the output, with no model name. */
export function batchItemMessage(
  item: RatedOutput & { text: string; gold: string; output: string },
  done: number,
): Message {
  return message(`Blind rating, ${item.task} document ${item.doc}`, [
    section(`*Blind rating* — ${item.task}, document \`${item.doc}\` (model hidden) · ${done} rated in this batch`),
    section('*Source*'),
    code(cut(item.text, 1500)),
    section(`*Reference*\n${cut(item.gold, 1500)}`),
    section('*Output*'),
    code(cut(item.output, 1500)),
    controls(item, true),
    context('Rating all three criteria brings the next output.'),
  ]);
}

/** The comment modal once submitted: `text` (checking, saved, or why not), and a button to close it. */
export const commentOutcome = (text: string) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Comment' },
  close: { type: 'plain_text' as const, text: 'Close' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});
