// What people type to the bot in a mention or a DM: a task (or a keyword) and their own text.
//   cts <text>            any task id whose input is one text
//   simplify: <text>      keywords, below
//   --model <alias> ...   picks the model (default: JCB_CHAT_MODEL, else the first allowed for free text)
import { UserError } from '../errors.js';

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

export function parseConversation(message: string): Conversation {
  let rest = message.replace(/<@[A-Z0-9]+>/g, '').trim();
  let model: string | undefined;
  const option = /^--model\s+(\S+)\s*/.exec(rest);
  if (option) {
    model = option[1];
    rest = rest.slice(option[0].length);
  }
  const keyword = /^([A-Za-z-]+)\s*[:：]\s*/.exec(rest);
  const word = /^([A-Za-z-]+)\s+/.exec(rest);
  const head = keyword ?? word;
  if (!head) throw new UserError('I need a task and a text.', CONVERSATION_HELP);
  const name = head[1].toLowerCase();
  let text = rest.slice(head[0].length);
  const later = /^--model\s+(\S+)\s*/.exec(text);
  if (later && !model) {
    model = later[1];
    text = text.slice(later[0].length);
  }
  text = text.trim();
  if (!text) throw new UserError(`No text after "${head[1]}".`, CONVERSATION_HELP);
  if (Array.from(text).length > MAX_FREE_TEXT) {
    throw new UserError(
      `The text is ${Array.from(text).length} characters long; the limit is ${MAX_FREE_TEXT}.`,
      'Send a shorter part of it.',
    );
  }
  return { task: KEYWORDS[name] ?? name, model, text };
}
