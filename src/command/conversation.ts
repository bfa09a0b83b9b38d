// What people type to the bot in a mention or a DM: a task (or a keyword) and their own text.
//   cts <text>            any task id whose input is one text
//   simplify: <text>      keywords, below
//   ... --model <alias>   anywhere, or --model=<alias>: picks the model (default: JCB_CHAT_MODEL, else the first
//                         allowed for free text); a bare or repeated --model is refused
import { UserError } from '../base/errors.js';
import { cutEcho, normalizeToken } from '../base/suggest.js';
import { normalizeWord } from './grammar.js';
import { codePointLength } from '../base/code-points.js';

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

const NEEDS_MODEL = 'Write `--model <alias>` (or `--model=<alias>`) once to choose the model.';

/** `--model` or `--model=<alias>` as the grammar reads a flag word (NFKC, dashes, `=` or `＝`); else undefined. */
function modelFlag(word: string): { value?: string } | undefined {
  const m = /^--model(?:=([^]*))?$/i.exec(normalizeWord(word));
  return m ? { value: m[1] } : undefined;
}

/**
 * `--model <alias>` or `--model=<alias>` anywhere in the message (flags read as the grammar reads them),
 * and the message without it.
 * @throws UserError for a `--model` without an alias or given twice: nothing is sent then.
 */
function takeModel(message: string): { model?: string; rest: string } {
  const tokens = [...message.matchAll(/\S+/g)];
  const flags = tokens.flatMap((t, i) => {
    const flag = modelFlag(t[0]);
    return flag ? [{ i, ...flag }] : [];
  });
  if (flags.length === 0) return { rest: message };
  if (flags.length > 1) throw new UserError('`--model` is given more than once.', NEEDS_MODEL);
  const [{ i, value }] = flags;
  const last = value === undefined ? i + 1 : i;
  const model = value ?? tokens[last]?.[0];
  if (!model || model.startsWith('-')) throw new UserError('`--model` needs a model alias.', NEEDS_MODEL);
  const start = tokens[i].index!;
  const end = tokens[last].index! + tokens[last][0].length;
  // Only the option and the space it leaves are removed; the text on either side is kept as written.
  const before = message.slice(0, start).replace(/[ \t\u3000]+$/, '');
  const after = message.slice(end).replace(/^[ \t\u3000]+/, '');
  const sep = before && after && !/\s$/.test(before) && !/^\s/.test(after) ? ' ' : '';
  return { model: normalizeToken(model), rest: before + sep + after };
}

// A task id or keyword: Latin letters and dashes, full-width ones too (read after NFKC).
const NAME = '[A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A\\-\\uFF0D\\u2010-\\u2015\\u2212\\u30FC\\uFF70]+';
const KEYWORD = new RegExp(`^(${NAME})\\s*[:：]\\s*`);
const WORD = new RegExp(`^(${NAME})\\s+`);

/**
 * Reads a mention or DM: `<task|keyword> <text>` with `--model <alias>` anywhere. `message` is the text as
 * typed (the face has undone its own encoding: in Slack, other people's mentions already read `@user` and
 * the bot's own is gone); nothing in it is removed here, so a typed `<@U…>` reaches the model as typed.
 * @throws UserError when no task or no text is given, or the text is over MAX_FREE_TEXT code points.
 */
export function parseConversation(message: string): Conversation {
  const { model, rest: withoutModel } = takeModel(message);
  const rest = withoutModel.trim();
  const head = KEYWORD.exec(rest) ?? WORD.exec(rest);
  if (!head) throw new UserError('I need a task and a text.', CONVERSATION_HELP);
  const name = normalizeToken(head[1]).toLowerCase();
  const text = rest.slice(head[0].length).trim();
  if (!text) throw new UserError(`No text after "${cutEcho(head[1])}".`, CONVERSATION_HELP);
  if (codePointLength(text) > MAX_FREE_TEXT) {
    throw new UserError(
      `The text is ${codePointLength(text).toLocaleString('en-US')} characters long; the limit is ${MAX_FREE_TEXT.toLocaleString('en-US')}.`,
      'Send a shorter part of it.',
    );
  }
  return { task: KEYWORDS[name] ?? name, model, text };
}
