// "Did you mean", token normalization and cut echoes: one place for every face (CLI and Slack alike).
import { closest, distance } from 'fastest-levenshtein';
import { UserError } from '../errors.js';

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

/** The candidate nearest to `input` (case-insensitive), if it is near enough to be a slip: ≤ 1/3 of its length. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || !input) return undefined;
  const typed = normalizeToken(input).toLowerCase();
  const lower = candidates.map((c) => c.toLowerCase());
  const best = closest(typed, lower);
  const limit = Math.max(1, Math.floor(Math.max(typed.length, best.length) / 3));
  return distance(typed, best) <= limit ? candidates[lower.indexOf(best)] : undefined;
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
