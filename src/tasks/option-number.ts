// ExamQA's reading of an option number, shared by tasks/examqa.ts and task files' `option-number` reader.
import { normalizeLabelText } from './label-text.js';

// One option number (`3`, `選択肢3`), or several (`2,4` `2、4`: the release stored those as one integer
// whose digits are the options, never equal to a gold index, so they score wrong).
const OPTION = String.raw`(?:選択肢\s*)?[1-9](?![0-9])`;
const OPTIONS = String.raw`${OPTION}(?:\s*[,、]\s*${OPTION})*`;
// An explicit final answer (`答え: 3`, `正解は3`, `最終回答：**3**`, `Answer: 2, 4`); the last one counts.
const FINAL_ANSWER = new RegExp(String.raw`(?:最終回答|答え|正解|回答|解答|answer)\s*(?:は|:)?\s*(${OPTIONS})`, 'giu');
const LEADING = new RegExp(String.raw`^\s*(${OPTIONS})`, 'u');

/**
 * The chosen options, 0-based, read after width and markdown are normalised (`２` → `2`, `**3**` → `3`):
 * the last explicit final answer, which wins over digits met earlier in reasoning (`理由: 1 は禁忌。答え: 3`
 * reads 3); else the options listed at the start; else the first option number in the text.
 */
export function readChoices(output: string): number[] {
  const text = normalizeLabelText(output);
  const marked = [...text.matchAll(FINAL_ANSWER)].at(-1)?.[1];
  const lead = marked ?? LEADING.exec(text)?.[1] ?? /[1-9]/.exec(text)?.[0];
  return lead ? [...new Set(Array.from(lead.replace(/[^1-9]/g, ''), (d) => Number(d) - 1))] : [];
}

/**
 * The release stores the choice it parsed as a 0-based integer whose digits are the chosen options
 * (Llama-3 answered several at once: 13 is options 2 and 4). Replay writes it as the model would.
 */
export function storedChoiceAsOutput(stored: unknown): string {
  if (!Number.isInteger(stored)) return String(stored ?? '');
  return Array.from(String(stored), (d) => Number(d) + 1).join(',');
}
