// Text within Block Kit's limits: escaped for mrkdwn here, once, and cut with a visible marker, never
// silently and never inside a character, an emoji sequence or an escape.
import type { KnownBlock } from '@slack/types';
import { MARKS_LEGEND } from '../../src/base/format.js';
import { COVERAGE_LEGEND } from '../../src/leaderboard/coverage.js';

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
  /**
   * The text of all of a message's blocks together: Slack refuses more than about 12,000 characters
   * (`msg_blocks_too_long`, bolt-js #2509, #2867) even when each block is within its own limit.
   */
  messageBlocksText: 11_000,
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

/**
 * Any text for inside a ``` block: escaped (Slack reads entities in code blocks too), and no backtick next to
 * another nor at either end, so that no run of backticks in the text (a model's own fence) can close the
 * block: a zero-width space (U+200B) is put between them. Shown, it reads as the text.
 */
export function codeText(text: string): string {
  return escape(text)
    .replace(/`(?=`)/g, '`\u200B')
    .replace(/^`/, '\u200B`')
    .replace(/`$/, '`\u200B');
}

/** A monospaced block (tables, documents, outputs): any text, fences included, stays inside it. */
export const code = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: `\`\`\`${cut(codeText(text), LIMITS.sectionText - 6)}\`\`\`` },
});

/** The characters of text a block holds (every `text` string in it, nested ones included). */
export function blockTextLength(block: unknown): number {
  if (Array.isArray(block)) return block.reduce((n: number, b) => n + blockTextLength(b), 0);
  if (!block || typeof block !== 'object') return 0;
  return Object.entries(block).reduce(
    (n, [k, v]) => n + (k === 'text' && typeof v === 'string' ? v.length : blockTextLength(v)),
    0,
  );
}

/**
 * A message's blocks in runs that Slack takes, in order: each at most LIMITS.blocks blocks and
 * LIMITS.messageBlocksText characters of text (a single block is within its own limits already).
 */
export function splitBlocks(blocks: readonly KnownBlock[]): KnownBlock[][] {
  const runs: KnownBlock[][] = [[]];
  let size = 0;
  for (const b of blocks) {
    const n = blockTextLength(b);
    const run = runs[runs.length - 1];
    if (run.length > 0 && (size + n > LIMITS.messageBlocksText || run.length >= LIMITS.blocks)) {
      runs.push([b]);
      size = n;
    } else {
      run.push(b);
      size += n;
    }
  }
  return runs;
}

/** A text in as many code blocks as it needs, never cut: what is shown is the whole text. */
export function codeBlocks(text: string): KnownBlock[] {
  const room = LIMITS.sectionText - 6;
  const blocks: KnownBlock[] = [];
  let chunk = '';
  for (const ch of text) {
    if (codeText(chunk + ch).length > room) {
      blocks.push(code(chunk));
      chunk = '';
    }
    chunk += ch;
  }
  return [...blocks, code(chunk)];
}

/** A `–` standing alone for a value (not a range `41.2–50.3`), when no ‡ or † calls for the whole legend. */
export const DASH_LEGEND = '– nothing scored, no value';

/**
 * The legends `text`'s marks need and it does not carry: ✓ ✗ and `+` as a mark (`+ item`, `+[span]`) need
 * MARKS_LEGEND; `†`, `‡` need COVERAGE_LEGEND (which also says `–`); a lone `–` needs a line saying it.
 */
export function missingLegends(text: string): string[] {
  const marks = /[✓✗]|(?:^|\s)\+ |\+\[/m.test(text) && !text.includes(MARKS_LEGEND);
  const coverage = /[†‡]/.test(text) && !text.includes(COVERAGE_LEGEND);
  const dash = !coverage && /(?:^|[\s*|(`])–(?=$|[\s*|)`,])/m.test(text) && !/– nothing scored|–`:|`–` /.test(text);
  return [...(marks ? [MARKS_LEGEND] : []), ...(coverage ? [COVERAGE_LEGEND] : []), ...(dash ? [DASH_LEGEND] : [])];
}

/** Every string of a block tree joined (what a reader sees, escaped as sent). */
const allText = (b: unknown): string =>
  Array.isArray(b)
    ? b.map(allText).join('\n')
    : b && typeof b === 'object'
      ? Object.entries(b)
          .map(([k, v]) => (k === 'text' && typeof v === 'string' ? v : allText(v)))
          .join('\n')
      : '';

/**
 * The one way a list is cut to fit (breaker-slack finding 8): whole items (each one's blocks, never half of one)
 * while they fit in `max` blocks and `maxText` characters (a message's limits by default), then, when any are left out, a last
 * context line saying so: "Showing 5 of 20 runs: `/jcb status --all`". `total`: how many there are in all, when
 * more than `items` (a list already cut by a count); `noun`: what an item is; `rest`: where to see the others.
 */
export function fitItems(
  items: readonly KnownBlock[][],
  opts: { max?: number; maxText?: number; total?: number; noun?: string; rest?: string } = {},
): KnownBlock[] {
  const max = opts.max ?? LIMITS.blocks;
  const maxText = opts.maxText ?? LIMITS.messageBlocksText;
  const total = Math.max(opts.total ?? items.length, items.length);
  const note = (shown: number) =>
    context(`Showing ${shown} of ${total}${opts.noun ? ` ${opts.noun}` : ''}${opts.rest ? `: ${opts.rest}` : '.'}`);
  if (total === items.length && items.flat().length <= max && blockTextLength(items) <= maxText) return items.flat();
  const room = max - 1;
  const roomText = maxText - blockTextLength(note(total));
  const kept: KnownBlock[] = [];
  let shown = 0;
  for (const item of items) {
    if (kept.length + item.length > room || blockTextLength([kept, item]) > roomText) break;
    kept.push(...item);
    shown++;
  }
  return [...kept, note(shown)];
}

/**
 * A message: the notification text escaped and cut, at most 50 blocks (fitItems: a cut says so). Marks travel with their meaning: a
 * legend its blocks need and do not carry yet is added as a last context block (issue 30).
 */
export function message(text: string, blocks: KnownBlock[] = []) {
  const missing = missingLegends(allText(blocks));
  const legend = missing.length ? [context(missing.join('\n'))] : [];
  return {
    text: cut(escape(text), LIMITS.messageText),
    blocks: [
      ...fitItems(
        blocks.map((b) => [b]),
        // Its text is not counted: `post` sends a long one as several messages (splitBlocks).
        { max: LIMITS.blocks - legend.length, maxText: Infinity, noun: 'parts', rest: 'the rest did not fit in one Slack message' },
      ),
      ...legend,
    ],
  };
}

/**
 * Messages that follow each other as one: texts joined (cut to Slack's limit), blocks in order, not cut. `post`
 * sends it in as few messages as Slack's limits allow (splitBlocks), one Web API call each, instead of one call
 * a message.
 */
export function joined(messages: readonly { text: string; blocks: KnownBlock[] }[]) {
  return {
    text: cut(messages.map((m) => m.text).join(' · '), LIMITS.messageText),
    blocks: messages.flatMap((m) => m.blocks),
  };
}

export { pct } from '../../src/base/format.js';
