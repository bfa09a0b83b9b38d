// The list settings (CCA, MR): the set of names a model lists, scored per document and averaged.
import { mean } from '../metrics/fractions.js';
import { setCounts, setF1 } from '../metrics/set-f1.js';
import type { Row } from '../release/files.js';
import type { Release } from '../release/release.js';
import type { LabelVersion } from '../release/views.js';
import { namesInText } from './baselines.js';
import { isCutOffList, readListOutput } from './lists.js';
import { defineTask, type Document, type GenerationRow, type Task, type TaskId } from './types.js';

export interface ListTaskSpec {
  id: TaskId;
  label: string;
  title: string;
  folder: string;
  oneShotExamples: readonly string[];
  loadDocuments(release: Release, labels?: LabelVersion): Document<string[]>[];
  labelVersions?: readonly LabelVersion[];
  fromGeneration(row: Row): GenerationRow<string[]>;
  toGeneration(doc: Document<string[]>, output: string, gold: string[]): Row;
  documentFromText(text: string, release: Release): Document<string[]>;
  /** Applied to each predicted item before matching. */
  normalizeItem?: (item: string) => string;
  /** Names of the keys in results/, which differ between CCA and MR. */
  keys: { precision: string; recall: string; f1: string; accuracy?: string };
}

export function listTask(spec: ListTaskSpec): Task {
  const normalize = spec.normalizeItem ?? ((s: string) => s);
  return defineTask<string[], string[]>({
    ...spec,
    metric: 'F1',
    parse(output) {
      const { items, json } = readListOutput(output);
      const value = items.map(normalize);
      if (json) return { value, ok: true };
      if (value.every((v) => v === '')) return { value, ok: false, problem: 'no list in the output' };
      return { value, ok: true, problem: 'not a JSON list: read by splitting on commas' };
    },
    // Baseline: the names other documents' answers use that occur in this text.
    baseline(doc, pool) {
      const elsewhere = new Set(pool.filter((d) => d !== doc).flatMap((d) => d.gold));
      return JSON.stringify(namesInText(doc.text, elsewhere), null, 0);
    },
    score: async (items) => items.map((it) => ({ ...setF1(it.parsed.value, it.gold) })),
    aggregate(scores) {
      const { keys } = spec;
      const recall = mean(scores.map((s) => s.recall));
      return {
        [keys.precision]: mean(scores.map((s) => s.precision)),
        [keys.recall]: recall,
        [keys.f1]: mean(scores.map((s) => s.f1)),
        // MR's results carry `_accuracy`, which equals its recall.
        ...(keys.accuracy ? { [keys.accuracy]: recall } : {}),
      };
    },
    headline: (m) => m[spec.keys.f1] as number,
    compare(gold, parsed) {
      const predicted = new Set(parsed.value);
      const reference = new Set(gold);
      return {
        kind: 'items',
        matched: [...reference].filter((g) => predicted.has(g)),
        missed: [...reference].filter((g) => !predicted.has(g)),
        extra: [...predicted].filter((p) => !reference.has(p)),
      };
    },
    async explain({ gold, parsed, output }) {
      const { json } = readListOutput(output);
      const items = parsed.value;
      const distinct = new Set(items).size;
      return {
        kind: 'set',
        read: items.length,
        repeats: items.length - distinct,
        empty: items.filter((i) => i === '').length,
        distinct,
        json,
        ...setCounts(items, gold),
        ...(isCutOffList(output) ? { stop: { at: 'cut off', marker: items.at(-1) ?? '', unread: 0, continuation: false } } : {}),
      };
    },
    documentFromText: spec.documentFromText,
    showGold: (gold) => gold.join(', '),
    showParsed: (p) => p.value.map((v) => (v === '' ? '(empty item)' : v)).join(', '),
  });
}
