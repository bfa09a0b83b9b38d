// "Did you mean", token normalization and cut echoes: one place for every face (CLI and Slack alike).
import { distance } from 'fastest-levenshtein';
import { UserError } from './errors.js';

/** The most characters of a person's input an error message repeats back (a 1 MB command never comes back whole). */
export const ECHO_LIMIT = 80;

/** `text` cut to ECHO_LIMIT code points, with "…" when cut; whole graphemes are not split for ASCII input. */
export function cutEcho(text: string): string {
  const points = Array.from(text);
  return points.length <= ECHO_LIMIT ? text : `${points.slice(0, ECHO_LIMIT - 1).join('')}…`;
}

// Dashes people type instead of "-": U+2010–2015, minus sign, katakana prolonged sound mark (ー, and ｰ after NFKC).
const DASHES = /[\u2010-\u2015\u2212\u30fc]/g;

/**
 * A command, task, model or flag token as jcb reads it: NFKC (full-width `ｌｌｍ－ｊｐ` → `llm-jp`), dash look-alikes
 * as "-", and a leading single en/em dash (a typed `--` that an editor turned into `—`) as `--`.
 * Free text and document ids are never passed through this.
 */
export function normalizeToken(token: string): string {
  const nfkc = token.normalize('NFKC');
  return nfkc.replace(/^[\u2013\u2014](?=[A-Za-z])/, '--').replace(DASHES, '-');
}

/**
 * The candidate nearest to `input` (case-insensitive, after normalizeToken), if near enough to be a slip:
 * at most 1 edit for words of up to 3 letters, else max(2, a third of its length). Ties go to the candidate
 * whose length is closest (a swapped pair, `ner-mde`, means `ner-med` rather than `ner-d`).
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const typed = normalizeToken(input).toLowerCase();
  if (!typed) return undefined;
  const limit = typed.length <= 3 ? 1 : Math.max(2, Math.floor(typed.length / 3));
  const ranked = candidates
    .map((c) => ({ c, d: distance(typed, c.toLowerCase()), len: Math.abs(c.length - typed.length) }))
    .filter((r) => r.d <= limit)
    .sort((a, b) => a.d - b.d || a.len - b.len);
  return ranked[0]?.c;
}

/**
 * The `n` candidates nearest to `input` by edit distance (case-insensitive), nearest first, however far:
 * for ids (run ids), where a slip can be anywhere and any near one helps.
 */
export function nearest(input: string, candidates: readonly string[], n = 3): string[] {
  const typed = input.toLowerCase();
  return candidates
    .map((c) => ({ c, d: distance(typed, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, n)
    .map((r) => r.c);
}

/** ` Did you mean "<nearest>"?` when one candidate is near `input`, else the empty string. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = suggest(input, candidates);
  return near ? ` Did you mean "${near}"?` : '';
}

/**
 * The one "unknown X" error: `Unknown <what> "<input, cut>". Did you mean "<nearest>"?` and `hint` after it.
 * @param what the noun: `task`, `model`, `command`. Used by the grammar, findTask and findModel.
 */
export function unknownName(what: string, input: string, candidates: readonly string[], hint?: string): UserError {
  return new UserError(`Unknown ${what} "${cutEcho(input)}".${didYouMean(input, candidates)}`, hint);
}
