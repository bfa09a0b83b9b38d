// Gold against output at a glance: list items and entities marked matched / missed / extra, NER entities
// marked inside their sentence, ROUGE-L's matched tokens in bold. The marks are computed in src/; this
// only draws them (readable without colour), escaping every data text through the text.ts helpers.
import type { KnownBlock } from '@slack/types';
import { MARKS, MARKS_LEGEND } from '../../src/base/format.js';
import type { Comparison, MarkedText } from '../../src/tasks/types.js';
import { context, fields, section } from './text.js';

/** Slack's formatting characters in data are shown as look-alikes so that data never formats the view. */
const FORMATTING = /[*_~`]/g;
const LOOK_ALIKE: Record<string, string> = { '*': '＊', _: '＿', '~': '〜', '`': '｀' };
const inert = (text: string) => text.replace(FORMATTING, (c) => LOOK_ALIKE[c]);
// A zero-width space each side lets `*…*` turn bold inside Japanese text, which has no word breaks.
const bold = (text: string) => `\u200b*${inert(text)}*\u200b`;

/** An item as read: an empty one (a trailing comma, a cut-off list) is named, not left blank. */
const itemText = (text: string) => (text === '' ? '(empty item)' : inert(text));

function column(title: string, items: readonly MarkedText[]): string {
  const lines = items.map((i) => `${i.mark ? MARKS[i.mark] : ' '} ${itemText(i.text)}`);
  return `*${title}* (${items.length})\n${lines.length ? lines.join('\n') : '_none_'}`;
}

/** A list task's items as Gold | Output columns; gold items are matched or missed, output items matched or extra. */
export function listColumns(c: Extract<Comparison, { kind: 'items' }>): KnownBlock[] {
  const matched = c.matched.map((text) => ({ text, mark: 'matched' as const }));
  return [
    fields(
      column('Gold', [...matched, ...c.missed.map((text) => ({ text, mark: 'missed' as const }))]),
      column('Output', [...matched, ...c.extra.map((text) => ({ text, mark: 'extra' as const }))]),
    ),
    context(MARKS_LEGEND),
  ];
}

/** A text with one side's entities marked in place: ✓[x] matched, ✗[x] missed (gold), +[x] extra (output). */
export function inlineEntities(pieces: readonly MarkedText[]): string {
  return pieces
    .map((p) => {
      if (!p.mark) return inert(p.text);
      const marked = `${MARKS[p.mark]}[${inert(p.text)}]`;
      return p.mark === 'matched' ? bold(marked) : marked;
    })
    .join('');
}

/**
 * NER: both sides marked in place, the gold spans in the sentence (✓ found, ✗ missed) and the predicted ones
 * in the output's text (✓ matched, + extra), so that overlapping spans all show; then the two columns.
 */
export function entityBlocks(c: Extract<Comparison, { kind: 'entities' }>): KnownBlock[] {
  const moved = c.sameText ? '' : ' (the model changed the sentence: spans are compared by position)';
  return [
    section(`*Gold entities in the sentence*\n${inlineEntities(c.sentence)}`),
    section(`*Predicted entities in the output*${moved}\n${inlineEntities(c.output)}`),
    fields(column('Gold entities', c.gold), column('Predicted', c.predicted)),
    context(MARKS_LEGEND),
  ];
}

/** The output with the tokens ROUGE-L matched in bold. */
export function highlighted(pieces: readonly MarkedText[]): string {
  return pieces.map((p) => (p.mark === 'matched' ? bold(p.text) : inert(p.text))).join('');
}
