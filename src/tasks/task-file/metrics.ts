// The metrics a task file chooses from (`metrics:`), each over the per-document numbers its answer kind stores.
// Option and label answers store `correct` and the category codes `gold`/`predicted` (kappa and macro-F1 are
// computed over the whole set, so they are rebuilt from those codes); lists their F1s; spans their counts;
// texts ROUGE-L on MeCab-equal tokens.
import { cohenKappa } from '../../metrics/kappa.js';
import { f1, mean, ratio, sum } from '../../metrics/fractions.js';
import { macroF1 } from '../../metrics/macro-f1.js';
import type { DocScore } from '../types.js';
import type { AnswerKind } from './readers.js';

export interface TaskMetric {
  kinds: readonly AnswerKind[];
  /** As shown in boards and headers. */
  shown: string;
  /** Where the rule comes from. */
  rule: string;
  aggregate(scores: readonly DocScore[]): number;
}

const codes = (scores: readonly DocScore[]) => ({
  gold: scores.map((s) => s.gold),
  predicted: scores.map((s) => s.predicted),
});

/** kappa as scikit-learn, except 0 (not NaN) where it is undefined: one label everywhere on both sides. */
function kappa(scores: readonly DocScore[], weights: 'none' | 'linear'): number {
  if (scores.length === 0) return 0;
  const { gold, predicted } = codes(scores);
  const k = cohenKappa(gold, predicted, weights);
  return Number.isNaN(k) ? 0 : k;
}

const CHOICES: readonly AnswerKind[] = ['option', 'label'];
const EXAM: readonly AnswerKind[] = ['exam'];

/** The registry of metrics, by the name a task file lists in `metrics:`. */
export const METRICS: Readonly<Record<string, TaskMetric>> = {
  accuracy: {
    kinds: [...CHOICES, ...EXAM],
    shown: 'accuracy',
    rule: 'share of documents whose one answer is the gold one (several answers score wrong)',
    aggregate: (scores) => mean(scores.map((s) => s.correct)),
  },
  'macro-f1': {
    kinds: CHOICES,
    shown: 'macro-F1',
    rule: "F1 per category present in gold or answers, unweighted mean (scikit-learn's average='macro')",
    aggregate: (scores) => macroF1(codes(scores).gold, codes(scores).predicted),
  },
  kappa: {
    kinds: CHOICES,
    shown: 'kappa',
    rule: "Cohen's kappa, as scikit-learn's cohen_kappa_score; an unread answer is a category of its own",
    aggregate: (scores) => kappa(scores, 'none'),
  },
  'kappa-linear': {
    kinds: CHOICES,
    shown: 'kappa (linear)',
    rule: "Cohen's kappa with linear weights |i − j| over the categories in order (cohen_kappa_score weights='linear')",
    aggregate: (scores) => kappa(scores, 'linear'),
  },
  points: {
    kinds: EXAM,
    shown: 'points',
    rule: "the points of the questions answered right (IgakuQA119: required blocks' questions 26–50 weigh 3)",
    aggregate: (scores) => sum(scores.map((s) => s.points)),
  },
  'points-possible': {
    kinds: EXAM,
    shown: 'of points',
    rule: 'the points the questions scored give in all',
    aggregate: (scores) => sum(scores.map((s) => s.possible)),
  },
  'points-rate': {
    kinds: EXAM,
    shown: 'score rate',
    rule: "points over possible points (IgakuQA119's score rate)",
    aggregate: (scores) => ratio(sum(scores.map((s) => s.points)), sum(scores.map((s) => s.possible))),
  },
  'set-f1': {
    kinds: ['list'],
    shown: 'F1',
    rule: "mean over documents of the F1 of the answer's set against the gold set (CCA, MR)",
    aggregate: (scores) => mean(scores.map((s) => s.set_f1)),
  },
  'list-f1-exact': {
    kinds: ['list'],
    shown: 'exact F1',
    rule: "JMED-LLM's exact_f1_score: mean over documents of set F1",
    aggregate: (scores) => mean(scores.map((s) => s.exact_f1)),
  },
  'list-f1-partial': {
    kinds: ['list'],
    shown: 'partial F1',
    rule: "JMED-LLM's partial_f1_score, as its code computes it (src/metrics/list-f1.ts)",
    aggregate: (scores) => mean(scores.map((s) => s.partial_f1)),
  },
  'span-f1': {
    kinds: ['spans'],
    shown: 'F1',
    rule: 'micro F1 over all documents of spans matched on position and tag (NER)',
    aggregate(scores) {
      const tp = sum(scores.map((s) => s.tp));
      return f1(ratio(tp, tp + sum(scores.map((s) => s.fp))), ratio(tp, tp + sum(scores.map((s) => s.fn))));
    },
  },
  'rouge-l': {
    kinds: ['text'],
    shown: 'ROUGE-L',
    rule: 'mean ROUGE-L F over documents with a non-empty output, on MeCab-IPADIC tokens (as the release)',
    aggregate: (scores) => mean(scores.filter((s) => !s.empty).map((s) => s.f1)),
  },
};
