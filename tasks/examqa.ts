// ExamQA: clinical questions of the Japanese national medical licensing exam (IgakuQA), one answer.
import { mean } from '../src/metrics/fractions.js';
import { normalizeId } from '../src/tasks/prompt.js';
import { majority } from '../src/tasks/baselines.js';
import { defineTask } from '../src/tasks/types.js';
import { normalizeLabelText } from '../src/tasks/label-text.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLR/MCQA';

interface Question {
  sample_id: string;
  question: string;
  options: string[];
  answer_idx: number;
}

function loadDocuments(release: Release) {
  return (release.jsonRows(FOLDER, 'igakuqa_clinical_test.jsonl') as unknown as Question[]).map((q) => ({
    id: normalizeId(q.sample_id),
    text: `${q.question}\n${q.options.map((o, i) => `${i + 1}. ${o}`).join('\n')}`,
    // Numbered from 1 as in the template's example, each line ending like the example's.
    fields: { text: q.question, options: q.options.map((o, i) => `${i + 1}. ${o}`).join('  \n') },
    gold: q.answer_idx,
  }));
}

/**
 * The release stores the choice it parsed as a 0-based integer whose digits are the chosen options
 * (Llama-3 answered several at once: 13 is options 2 and 4). Replay writes it as the model would.
 */
function storedChoiceAsOutput(stored: unknown): string {
  if (!Number.isInteger(stored)) return String(stored ?? '');
  return Array.from(String(stored), (d) => Number(d) + 1).join(',');
}

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
function readChoices(output: string): number[] {
  const text = normalizeLabelText(output);
  const marked = [...text.matchAll(FINAL_ANSWER)].at(-1)?.[1];
  const lead = marked ?? LEADING.exec(text)?.[1] ?? /[1-9]/.exec(text)?.[0];
  return lead ? [...new Set(Array.from(lead.replace(/[^1-9]/g, ''), (d) => Number(d) - 1))] : [];
}

const show = (choices: readonly number[]) => `option ${choices.map((c) => c + 1).join(', ')}`;

export default defineTask<number, number[]>({
  id: 'examqa',
  label: 'ExamQA',
  title: 'Exam-style QA (IgakuQA clinical questions)',
  folder: FOLDER,
  metric: 'accuracy',
  oneShotExamples: ['114D40'],
  loadDocuments,
  fromGeneration: (row) => ({
    id: normalizeId(row.sample_id),
    gold: Number(row.gold),
    output: storedChoiceAsOutput(row.generated),
  }),
  // The release stores the parsed choice; a live output that names none is stored as null.
  toGeneration: (doc, output, gold) => {
    const choice = readChoices(output);
    return { sample_id: doc.id, generated: choice.length ? Number(choice.join('')) : null, gold };
  },
  // Baseline: the answer position most often right in the other questions.
  baseline: (doc, pool) => String(majority(doc, pool, (d) => d.gold) + 1),
  parse(output) {
    const value = readChoices(output);
    if (!value.length) return { value, ok: false, problem: 'no option number in the output' };
    return value.length > 1
      ? { value, ok: false, problem: 'several options chosen: scored wrong' }
      : { value, ok: true };
  },
  score: async (items) =>
    items.map((it) => ({ accuracy: it.parsed.value.length === 1 && it.parsed.value[0] === it.gold ? 1 : 0 })),
  aggregate: (scores) => ({ accuracy: mean(scores.map((s) => s.accuracy)) }),
  headline: (m) => m.accuracy as number,
  showGold: (gold) => show([gold]),
  showParsed: (p) => (p.value.length ? show(p.value) : '(no option)'),
});
