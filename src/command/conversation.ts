// What people type to the bot in a mention or a DM: a task (or a keyword) and their own text.
//   cts <text>            any task id whose input is one text
//   simplify: <text>      keywords, below
//   ... --model <alias>   anywhere: picks the model (default: JCB_CHAT_MODEL, else the first allowed for free text)
import { UserError } from '../base/errors.js';
import { cutEcho, normalizeToken } from '../base/suggest.js';

export const KEYWORDS: Record<string, string> = {
  simplify: 'cts',
  codes: 'cca',
  drugs: 'mr',
  tnm: 'dc-tnm',
  diseases: 'ner-d',
  meds: 'ner-med',
  summary: 'hs-pn',
};

/** The longest text the bot sends to a model (a long clinical note is about 5,000 characters). */
export const MAX_FREE_TEXT = 8000;

export interface Conversation {
  task: string;
  model?: string;
  text: string;
}

export const CONVERSATION_HELP =
  'Write a task and your text: `cts <text>`, or a keyword: ' +
  Object.entries(KEYWORDS)
    .map(([k, t]) => `\`${k}: …\` (${t})`)
    .join(', ') +
  '. Add `--model <alias>` to choose the model.';

/** `--model <alias>` anywhere in the message (its tokens read after NFKC), and the message without it. */
function takeModel(message: string): { model?: string; rest: string } {
  const tokens = [...message.matchAll(/\S+/g)];
  const at = tokens.findIndex((t, i) => i + 1 < tokens.length && normalizeToken(t[0]).toLowerCase() === '--model');
  if (at < 0) return { rest: message };
  const start = tokens[at].index!;
  const end = tokens[at + 1].index! + tokens[at + 1][0].length;
  // Only the option and the space it leaves are removed; the text on either side is kept as written.
  const before = message.slice(0, start).replace(/[ \t\u3000]+$/, '');
  const after = message.slice(end).replace(/^[ \t\u3000]+/, '');
  const sep = before && after && !/\s$/.test(before) && !/^\s/.test(after) ? ' ' : '';
  return { model: normalizeToken(tokens[at + 1][0]), rest: before + sep + after };
}

// A task id or keyword: Latin letters and dashes, full-width ones too (read after NFKC).
const NAME = '[A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A\\-\\uFF0D\\u2010-\\u2015\\u2212\\u30FC\\uFF70]+';
const KEYWORD = new RegExp(`^(${NAME})\\s*[:：]\\s*`);
const WORD = new RegExp(`^(${NAME})\\s+`);

/**
 * Reads a mention or DM: `<task|keyword> <text>` with `--model <alias>` anywhere.
 * @throws UserError when no task or no text is given, or the text is over MAX_FREE_TEXT code points.
 */
export function parseConversation(message: string): Conversation {
  const { model, rest: withoutModel } = takeModel(message.replace(/<@[A-Z0-9]+>/g, ''));
  const rest = withoutModel.trim();
  const head = KEYWORD.exec(rest) ?? WORD.exec(rest);
  if (!head) throw new UserError('I need a task and a text.', CONVERSATION_HELP);
  const name = normalizeToken(head[1]).toLowerCase();
  const text = rest.slice(head[0].length).trim();
  if (!text) throw new UserError(`No text after "${cutEcho(head[1])}".`, CONVERSATION_HELP);
  if (Array.from(text).length > MAX_FREE_TEXT) {
    throw new UserError(
      `The text is ${Array.from(text).length} characters long; the limit is ${MAX_FREE_TEXT}.`,
      'Send a shorter part of it.',
    );
  }
  return { task: KEYWORDS[name] ?? name, model, text };
}
