// Text within Block Kit's limits: escaped for mrkdwn, and cut with a visible marker, never silently.
import type { KnownBlock } from '@slack/types';

/** Block Kit's limits (https://api.slack.com/reference/block-kit/blocks). */
export const LIMITS = { sectionText: 3000, field: 2000, header: 150, blocks: 50, homeBlocks: 100 } as const;

export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most `max` characters (escaping included), ending with a marker saying how much was left out. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `\n… [${n} more characters not shown]`;
  const keep = max - marker(text.length).length;
  return text.slice(0, keep) + marker(text.length - keep);
}

export const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cut(text, LIMITS.sectionText) },
});

export const fields = (...texts: string[]): KnownBlock => ({
  type: 'section',
  fields: texts.map((t) => ({ type: 'mrkdwn', text: cut(t, LIMITS.field) })),
});

export const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: cut(text, LIMITS.sectionText) }],
});

export const header = (text: string): KnownBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: cut(text, LIMITS.header) },
});

/** A monospaced block for tables. */
export const code = (text: string) => section(`\`\`\`${cut(text, LIMITS.sectionText - 6)}\`\`\``);

export { pct } from '../../src/format.js';
