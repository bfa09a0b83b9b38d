// The answer readers a task file chooses from (answer.reader): the readers jcb's own settings use, plus the
// packs' authors' readers. Each turns a model's output into a parsed answer of its kind.
import { readTaggedSpans } from '../ner-task.js';
import { readListOutput, readPythonList } from '../lists.js';
import { normalizeLabelText } from '../label-text.js';
import { readChoices } from '../option-number.js';
import { cleanGeneration } from '../rouge-task.js';
import { readExamAnswer } from './exam.js';
import type { Span } from '../../metrics/span-f1.js';
import type { Parsed } from '../types.js';

export type AnswerKind = 'option' | 'label' | 'list' | 'spans' | 'text' | 'exam';

/** What a reader needs from the task: every category an answer may name (option names or labels) and span tags. */
export interface ReaderContext {
  categories: readonly string[];
  tags: readonly string[];
}

/** The parsed answer of each kind: chosen categories, list items, spans over the output's text, or text. */
export type AnswerValue = string[] | { text: string; spans: Span[] } | string;

export interface AnswerReader {
  kind: AnswerKind;
  /** One line for `jcb tasks check` and the README. */
  describe: string;
  /** Option naming the reader needs, if any (`option-number` reads digits). */
  labels?: 'numbers' | 'letters';
  read(output: string, ctx: ReaderContext): Parsed<AnswerValue>;
}

const chosen = (value: string[], what: string): Parsed<AnswerValue> =>
  value.length === 1
    ? { value, ok: true }
    : { value, ok: false, problem: value.length ? 'several answers chosen: scored wrong' : `no ${what} in the output` };

/**
 * A Python list literal of strings as Python's `eval` reads one (JMED-LLM's get_list_from_string): the whole
 * output, blanks around it aside, must be the literal; anything else reads as the empty list.
 */
export function readStrictPythonList(output: string): string[] | undefined {
  const text = output.trim();
  if (
    !/^\[\s*(?:(?:'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")\s*,\s*)*(?:(?:'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")\s*,?\s*)?\]$/su.test(
      text,
    )
  )
    return undefined;
  return readPythonList(text);
}

/** The registry of readers, by the name a task file gives in `answer.reader`. */
export const READERS: Readonly<Record<string, AnswerReader>> = {
  'option-number': {
    kind: 'option',
    labels: 'numbers',
    describe:
      "ExamQA's reading: the last final-answer marker (答え, 正解, Answer…), else the leading or first option number",
    read: (output, ctx) =>
      chosen(
        readChoices(output)
          .map((i) => String(i + 1))
          .filter((n) => ctx.categories.includes(n)),
        'option number',
      ),
  },
  'first-letter': {
    kind: 'option',
    labels: 'letters',
    describe: "JMED-LLM's reading: the first character of the output that is an option letter (A–F)",
    // Their rule looks for A–F whatever the number of options (an answer C to a two-option question counts as C).
    read: (output) =>
      chosen(
        Array.from(output)
          .filter((c) => 'ABCDEF'.includes(c))
          .slice(0, 1),
        'option letter',
      ),
  },
  label: {
    kind: 'label',
    describe: 'the whole output when it is a label (after width and markdown are normalised), else the label met first',
    read(output, ctx) {
      const text = normalizeLabelText(output).trim();
      if (ctx.categories.includes(text)) return chosen([text], 'label');
      const found = ctx.categories
        .map((label) => ({ label, at: text.indexOf(label) }))
        .filter((f) => f.at >= 0)
        .sort((a, b) => a.at - b.at || b.label.length - a.label.length);
      return chosen(
        found.slice(0, 1).map((f) => f.label),
        'label',
      );
    },
  },
  'string-list': {
    kind: 'list',
    describe: "CCA and MR's reading: a JSON array, else the text split on commas",
    read: (output) => ({ value: readListOutput(output).items.filter((i) => i !== ''), ok: true }),
  },
  'python-list': {
    kind: 'list',
    describe: "JMED-LLM's reading: the whole output as a Python list literal of strings, else the empty list",
    read(output) {
      const items = readStrictPythonList(output);
      return items ? { value: items, ok: true } : { value: [], ok: false, problem: 'not a Python list: read as []' };
    },
  },
  'tagged-spans': {
    kind: 'spans',
    describe: "NER's reading: <tag>…</tag> pairs of the task's tags, offsets over the untagged text",
    read: (output, ctx) => ({ value: readTaggedSpans(output, ctx.tags), ok: true }),
  },
  'exam-answer': {
    kind: 'exam',
    describe:
      "IgakuQA119's comparison: the last `answer:` (or 答え, 回答…) line, else the output; letters sorted, numbers as numbers",
    read(output) {
      const answer = readExamAnswer(output);
      return answer ? { value: answer, ok: true } : { value: '', ok: false, problem: 'no letters or number read' };
    },
  },
  text: {
    kind: 'text',
    describe: "the generation settings' reading: the output up to a drift into examples or code, trimmed",
    read(output) {
      const text = cleanGeneration(output);
      return text
        ? { value: text, ok: true }
        : { value: '', ok: false, problem: 'empty output: left out of the means' };
    },
  },
};
