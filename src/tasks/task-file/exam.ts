// Exam answers (answer.kind: exam): one or several letters, or a number, compared as IgakuQA119's
// grade_answers.py compares them (src/grading_logic.py at docto-rin/IgakuQA119 2d94239), with the exam's points
// (src/stats_utils.py there: consolidate_results).
import { normalizeLabelText } from '../label-text.js';

/**
 * An answer in the authors' normal form: lower case, without `[`, `]`, commas and blanks, its characters
 * sorted ("c, a" → "ac"). A number is read as a number ("36.0" → "36"), where the authors would sort its digits.
 * @returns the normal form, or '' when the text is neither letters a–z nor a number.
 */
export function normalizeExamAnswer(text: string): string {
  const t = normalizeLabelText(text)
    .toLowerCase()
    .replace(/[[\],、\s'"`「」]/g, '');
  if (/^-?\d+(?:\.\d+)?$/.test(t)) return String(Number(t));
  return /^[a-z]+$/.test(t) ? [...new Set(t)].sort().join('') : '';
}

// The authors' prompt asks for a line `answer: …`; the Japanese markers are read too. The last one wins.
const MARKED = /(?:answer|答え|回答|解答|正解)\s*(?:は|:)\s*([^\n]*)/giu;

/** The answer a model gave: the last marked answer line, else the whole output, in the normal form. */
export function readExamAnswer(output: string): string {
  const text = normalizeLabelText(output);
  const marked = [...text.matchAll(MARKED)].at(-1)?.[1];
  return normalizeExamAnswer((marked ?? text).replace(/[。.]$/, ''));
}

export interface ExamRule {
  /** Where the rule is written. */
  source: string;
  /** The points a question weighs, by its id. */
  points(id: string): number;
  /** The answers accepted for a question, in the normal form. */
  accepted(id: string, gold: string): string[];
}

/** The exams' rules, by the name a task file gives in `answer.exam`. */
export const EXAM_RULES: Readonly<Record<string, ExamRule>> = {
  igakuqa119: {
    source: 'IgakuQA119 src/stats_utils.py and src/grading_logic.py (2d94239)',
    // Required blocks B and E: questions 26–50 weigh 3 points, the others 1 (400 questions, 500 points).
    points(id) {
      const block = id.charAt(3).toUpperCase();
      const number = Number(id.slice(4).replace(/\D/g, '') || 0);
      return (block === 'B' || block === 'E') && number >= 26 && number <= 50 ? 3 : 1;
    },
    // 119E28: a or c is right (the official answer lists both; answering both is not accepted).
    accepted: (id, gold) => (id === '119E28' ? ['a', 'c'] : [gold]),
  },
};
