// ExamQA: clinical questions of the Japanese national medical licensing exam (IgakuQA), one answer.
import { mean } from '../src/metrics/fractions.js';
import { normalizeId } from '../src/tasks/prompt.js';
import { majority } from '../src/tasks/baselines.js';
import { defineTask } from '../src/tasks/types.js';
import { readChoices, storedChoiceAsOutput } from '../src/tasks/option-number.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLR/MCQA';

interface Question {
  sample_id: string;
  question: string;
  options: string[];
  answer_idx: number;
  /** Every accepted option where the question asks for several (「2つ選べ」); the paper scored answer_idx alone. */
  metadata?: { all_answer_idx?: number[] };
}

function loadDocuments(release: Release) {
  return (release.jsonRows(FOLDER, 'igakuqa_clinical_test.jsonl') as unknown as Question[]).map((q) => ({
    id: normalizeId(q.sample_id),
    text: `${q.question}\n${q.options.map((o, i) => `${i + 1}. ${o}`).join('\n')}`,
    // Numbered from 1 as in the template's example, each line ending like the example's.
    fields: { text: q.question, options: q.options.map((o, i) => `${i + 1}. ${o}`).join('  \n') },
    gold: q.answer_idx,
    allGold: q.metadata?.all_answer_idx ?? [q.answer_idx],
  }));
}

/** The paper's rule: exactly one option chosen, and it is answer_idx. */
const isCorrect = (gold: number, chosen: readonly number[]) => chosen.length === 1 && chosen[0] === gold;

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
  async explain({ gold, parsed, document }) {
    const all = document?.allGold?.includes(gold) ? document.allGold : [gold];
    return {
      kind: 'choice',
      chosen: parsed.value.map((c) => c + 1),
      gold: all.map((c) => c + 1),
      scoredOn: gold + 1,
      correct: isCorrect(gold, parsed.value),
    };
  },
  score: async (items) => items.map((it) => ({ accuracy: isCorrect(it.gold, it.parsed.value) ? 1 : 0 })),
  aggregate: (scores) => ({ accuracy: mean(scores.map((s) => s.accuracy)) }),
  headline: (m) => m.accuracy as number,
  showGold: (gold) => show([gold]),
  showParsed: (p) => (p.value.length ? show(p.value) : '(no option)'),
});
