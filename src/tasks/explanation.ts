// "Why this score": the values a task's scorer worked from for one document, as a structured object (for
// --json, --log-samples, exports) and as one line of text that both faces show. Display only: every value
// here is computed by the same functions the scorer uses, and nothing here feeds a score.
import { codePointLength } from '../base/code-points.js';

/** Where the task's reading of an output stopped short of its end. */
export interface Stop {
  /**
   * `first answer`: the option at the start was read, the rest not (RE, DC-ADE); `end marker`: reading ended at
   * a marker (NER's `[EOS]`, the generation settings' `### 入力:`); `cut off`: the output ends mid-list.
   */
  at: 'first answer' | 'end marker' | 'cut off';
  /** The marker met, or for a cut-off list its last fragment (kept as an item, as the release did). */
  marker?: string;
  /** Characters (code points) of the output after the stop, not read. */
  unread: number;
  /** The unread rest reads as an invented next example (`---`, `入力文:`, `出力:`): the model went on by itself. */
  continuation: boolean;
}

/** One DC-TMN factor: the line read, the label taken from it, and how it fared. */
export interface FactorRead {
  factor: 'T' | 'N' | 'M';
  /** The `T因子:` line of the output as written (trimmed), null when there is none. */
  line: string | null;
  /** The label the scorer took, null when none. */
  read: string | null;
  /** The line after `T因子:` is empty and the label was taken from the next line (the release's reading). */
  fromNextLine: boolean;
  gold: string | null;
  /** The gold is one of the labels the prompt offers (else the release never credits it). */
  offered: boolean;
  correct: boolean;
}

export type Explanation =
  /** CCA, MR: items read, repeats counted once, then set TP (matched), FP (extra), FN (missed). */
  | {
      kind: 'set';
      read: number;
      repeats: number;
      empty: number;
      distinct: number;
      json: boolean;
      tp: number;
      fp: number;
      fn: number;
      stop?: Stop;
    }
  /** NER: spans matched on position and kind (TP), predicted only (FP), gold only (FN). */
  | { kind: 'spans'; tp: number; fp: number; fn: number; overlaps: number; stop?: Stop }
  /** ROUGE-L: the LCS length over the MeCab tokens of the output and the gold; an empty output is left out. */
  | { kind: 'rouge'; lcs: number; outputTokens: number; goldTokens: number; empty: boolean; stop?: Stop }
  /** ExamQA: options 1-based; `gold` every accepted option, `scoredOn` the one the paper scored. */
  | { kind: 'choice'; chosen: number[]; gold: number[]; scoredOn: number; correct: boolean }
  | { kind: 'factors'; factors: FactorRead[] }
  /** RE, DC-ADE: the label read, and `assumed` when none was written and the release's default was taken. */
  | { kind: 'label'; read: string | null; gold: string; correct: boolean; assumed?: string; stop?: Stop };

// An invented next example: a rule, a heading, or the template's own labels, after the answer.
const CONTINUATION = /^\s*(?:-{3,}|#{2,}|(?:入力文?|出力|例)\s*[:：]|\[EOS\]|<e1>)/;

/** The stop after `consumed` characters (UTF-16) of `output`, or undefined when nothing but blanks follows. */
export function stopAt(output: string, consumed: number, at: Stop['at'], marker?: string): Stop | undefined {
  const rest = output.slice(consumed);
  if (!rest.trim()) return undefined;
  return { at, marker, unread: codePointLength(rest), continuation: CONTINUATION.test(rest) };
}

/** For settings that read only the answer at the start (RE, DC-ADE): the lines after the first, if any, not read. */
export function afterFirstLine(output: string): Stop | undefined {
  const text = output.trimStart();
  const eol = text.indexOf('\n');
  return eol < 0 ? undefined : stopAt(text, eol, 'first answer');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const quote = (s: string) => `“${s}”`;

function stopText(s: Stop | undefined): string {
  if (!s) return '';
  const rest = `${s.unread} more characters not read${s.continuation ? ' (the model went on with an example of its own)' : ''}`;
  if (s.at === 'first answer') return `; scoring read the first answer only, ${rest}`;
  if (s.at === 'end marker') return `; reading stopped at ${quote(s.marker ?? '')}, ${rest}`;
  return '';
}

function factorText(f: FactorRead): string {
  const label = `${f.factor}因子:`;
  const outcome = f.correct
    ? '✓'
    : f.offered
      ? '✗'
      : `✗ (gold ${f.gold ?? '?'} is not a label the prompt offers: never credited)`;
  if (f.line === null) return `${f.factor}: no ${label} line ✗`;
  if (f.fromNextLine)
    return `${f.factor}: ${label} line empty; the release's reading took the next line's ${quote(f.read ?? '')} ${outcome}`;
  if (f.read === null) return `${f.factor}: ${label} line empty, nothing read ${outcome}`;
  return `${f.factor}: read ${f.read}, gold ${f.gold ?? '?'} ${outcome === '✓' ? '✓' : outcome}`;
}

/** One line saying what the score of this document was computed from, the same in Slack and the terminal. */
export function explanationText(e: Explanation): string {
  switch (e.kind) {
    case 'set': {
      const cut =
        e.stop?.at === 'cut off'
          ? `the output is cut off mid-list (its last fragment ${quote(e.stop.marker ?? '')} kept as an item, as the release did); `
          : '';
      const empties = e.empty ? `, ${plural(e.empty, 'empty item')}` : '';
      const repeats = e.repeats ? `, ${plural(e.repeats, 'repeat')} counted once` : '';
      const reading = e.json ? 'a JSON list' : 'split on commas';
      return `${cut}${plural(e.read, 'item')} read (${reading}${empties}${repeats}) → ${e.distinct} distinct: ${e.tp} matched (TP), ${e.fp} extra (FP), ${e.fn} missed (FN); precision ${e.tp}/${e.tp + e.fp}, recall ${e.tp}/${e.tp + e.fn}`;
    }
    case 'spans': {
      const overlaps = e.overlaps
        ? `; ${plural(e.overlaps, 'predicted span overlaps', 'predicted spans overlap')} a gold span without matching it (counted as extra and the gold as missed)`
        : '';
      return `${e.tp} matched (TP), ${e.fp} extra (FP), ${e.fn} missed (FN), by position and kind${overlaps}${stopText(e.stop)}`;
    }
    case 'rouge':
      return e.empty
        ? `empty output: left out of the means, as the release did${stopText(e.stop)}`
        : `longest common subsequence ${e.lcs} tokens of ${e.outputTokens} output tokens (precision) and ${e.goldTokens} gold tokens (recall)${stopText(e.stop)}`;
    case 'choice': {
      const chosen = e.chosen.length ? `option ${e.chosen.join(', ')} chosen` : 'no option read';
      const several =
        e.gold.length > 1
          ? `gold options ${e.gold.join(', ')}: scored on the first (${e.scoredOn}), as the paper did`
          : `gold option ${e.scoredOn}`;
      const many = e.chosen.length > 1 ? ' (several options chosen: scored wrong)' : '';
      return `${chosen}; ${several} → ${e.correct ? 'correct' : 'wrong'}${many}`;
    }
    case 'factors':
      return e.factors.map(factorText).join(' · ');
    case 'label': {
      const read = e.assumed ? `no option number: ${e.assumed}` : e.read === null ? 'no option read' : `read ${e.read}`;
      return `${read}; gold ${e.gold} → ${e.correct ? 'correct' : 'wrong'}${stopText(e.stop)}`;
    }
  }
}
