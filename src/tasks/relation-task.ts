// The relation settings (RE-Ent, RE-Time): pick one of five relations by its number in the prompt.
import { f1, ratio, sum } from '../metrics/fractions.js';
import type { Release } from '../release/release.js';
import { goldOfDocument, majority } from './baselines.js';
import { RE_SAMPLE, relationSample } from './documents.js';
import { normalizeLabelText } from './label-text.js';
import { defineTask, type Document, type Task, type TaskId } from './types.js';
import { afterFirstLine } from './explanation.js';

export interface RelationTaskSpec {
  id: TaskId;
  label: string;
  title: string;
  folder: string;
  /** The relations in the prompt's option order: option 1 is relations[0]. */
  relations: readonly string[];
}

interface RelRow {
  text: string;
  relation: string;
  source: string;
}

export function relationTask(spec: RelationTaskSpec): Task {
  return defineTask<string, string | null>({
    ...spec,
    metric: 'F1',
    // rel_data.json's first pair is the one-shot template's example.
    oneShotExamples: ['0'],
    // Documents are numbered by their place in rel_data.json: the release's rows carry no id, and its
    // zero-shot files hold the first 1,000 (1,001 for the GPT models), the one-shot files the next.
    loadDocuments: (release: Release): Document<string>[] =>
      (release.json(spec.folder, 'rel_data.json') as RelRow[]).map((r, i) => ({
        id: String(i),
        text: r.text,
        fields: { text: r.text, source: r.source },
        gold: r.relation,
      })),
    // The paper's RE rows cannot be rebuilt: a seeded sample of 1,000 stands for them (src/tasks/documents.ts).
    paperDocuments: (docs) => relationSample(docs, ['0']),
    documentRule: `a seeded sample of ${RE_SAMPLE.size.toLocaleString('en-US')} (mulberry32, seed ${RE_SAMPLE.seed}: jcb's own)`,
    toGeneration: (doc, output, gold) => ({ relation: gold, source: doc.fields.source ?? '', generated: output }),
    // Baseline: the most frequent relation.
    baseline: (doc, pool) => String(spec.relations.indexOf(majority(doc, pool, goldOfDocument)) + 1),
    fromGeneration: (row) => ({ gold: String(row.relation), output: String(row.generated ?? '') }),
    // The option number the output starts with (`2`, `2. before`, `２`, `**2**`, `選択肢2`), as the release
    // read `^\s*([1-5])`, after width and markdown are normalised.
    parse(output) {
      const m = /^\s*(?:選択肢\s*)?([1-5])/.exec(normalizeLabelText(output));
      return m
        ? { value: spec.relations[Number(m[1]) - 1], ok: true }
        : { value: null, ok: false, problem: 'no option number (1–5) at the start of the output' };
    },
    async explain({ gold, parsed, output }) {
      const shown = (r: string) => `${spec.relations.indexOf(r) + 1}. ${r}`;
      return {
        kind: 'label',
        read: parsed.value && shown(parsed.value),
        gold: shown(gold),
        correct: parsed.value === gold,
        stop: afterFirstLine(output),
      };
    },
    score: async (items) =>
      items.map((it) => ({ correct: it.parsed.value === it.gold ? 1 : 0, readable: it.parsed.ok ? 1 : 0 })),
    // accuracy = recall over every row; precision over the rows with a readable number.
    aggregate(scores) {
      const correct = sum(scores.map((s) => s.correct));
      const recall = ratio(correct, scores.length);
      const precision = ratio(correct, sum(scores.map((s) => s.readable)));
      return { accuracy: recall, precision, recall, f1: f1(precision, recall) };
    },
    headline: (m) => m.f1 as number,
    showGold: (gold) => `${spec.relations.indexOf(gold) + 1}. ${gold}`,
    showParsed: (p) => (p.value ? `${spec.relations.indexOf(p.value) + 1}. ${p.value}` : '(unreadable)'),
  });
}
