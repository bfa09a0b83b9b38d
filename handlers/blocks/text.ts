// Text within Block Kit's limits: escaped for mrkdwn here, once, and cut with a visible marker, never
// silently and never inside a character, an emoji sequence or an escape.
import type { KnownBlock } from '@slack/types';

/**
 * Block Kit's limits (https://api.slack.com/reference/block-kit/blocks, .../composition-objects,
 * chat.postMessage): lengths in UTF-16 code units, the stricter reading of Slack's "characters".
 */
export const LIMITS = {
  sectionText: 3000,
  field: 2000,
  header: 150,
  blocks: 50,
  homeBlocks: 100,
  /** A message's top-level text (chat.postMessage truncates beyond 40,000; we stay well under). */
  messageText: 4000,
  buttonText: 75,
  optionText: 75,
  placeholder: 150,
} as const;

/**
 * `&`, `<`, `>` as Slack's mrkdwn wants them in any text that is not ours: otherwise `<!channel>` notifies
 * a channel and `<@U1>` mentions someone ("Escaping text", api.slack.com/reference/surfaces/formatting).
 */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * At most `max` UTF-16 code units, ending with a marker saying how many characters (code points) were
 * left out. The cut falls between grapheme clusters (Intl.Segmenter): never half a surrogate pair, an
 * emoji's ZWJ sequence or a base and its combining marks, nor inside an `&amp;`-style escape.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `\n… [${n} more characters not shown]`;
  const room = Math.max(0, max - marker(text.length).length);
  // Only a window around the cut is segmented (V8's segmenter is slow on long strings). A cluster longer
  // than the window (pathological stacks of combining marks) may be split; a surrogate pair never is.
  const from = Math.max(0, room - 64);
  let end = from;
  for (const { index, segment } of graphemes.segment(text.slice(from, room + 64))) {
    if (from + index + segment.length > room) break;
    end = from + index + segment.length;
  }
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  // In escaped text a `&` only starts an escape: an unfinished one is left out whole.
  const entity = /&[a-z]{0,3}$/.exec(text.slice(Math.max(0, end - 4), end));
  if (entity) end -= entity[0].length;
  let left = 0; // code points: low surrogates are not counted
  for (let i = end; i < text.length; i++) if ((text.charCodeAt(i) & 0xfc00) !== 0xdc00) left++;
  return text.slice(0, end) + marker(left);
}

/** Plain text (buttons, options, headers, placeholders): shown as is by Slack, so only cut. */
export const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: cut(text, max) });

/** A section of mrkdwn: our formatting in `text` stays, data in it is escaped. */
export const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cut(escape(text), LIMITS.sectionText) },
});

export const fields = (...texts: string[]): KnownBlock => ({
  type: 'section',
  fields: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: cut(escape(t), LIMITS.field) })),
});

export const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: cut(escape(text), LIMITS.sectionText) }],
});

export const header = (text: string): KnownBlock => ({ type: 'header', text: plain(text, LIMITS.header) });

/** A monospaced block (tables, documents, outputs); escaped too, Slack reads entities in code blocks. */
export const code = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: `\`\`\`${cut(escape(text), LIMITS.sectionText - 6)}\`\`\`` },
});

/** A text in as many code blocks as it needs, never cut: what is shown is the whole text. */
export function codeBlocks(text: string): KnownBlock[] {
  const room = LIMITS.sectionText - 6;
  const blocks: KnownBlock[] = [];
  let chunk = '';
  for (const ch of text) {
    if (escape(chunk + ch).length > room) {
      blocks.push(code(chunk));
      chunk = '';
    }
    chunk += ch;
  }
  return [...blocks, code(chunk)];
}

/** A message: the notification text escaped and cut, at most 50 blocks. */
export const message = (text: string, blocks: KnownBlock[] = []) => ({
  text: cut(escape(text), LIMITS.messageText),
  blocks: blocks.slice(0, LIMITS.blocks),
});

export { pct } from '../../src/base/format.js';
