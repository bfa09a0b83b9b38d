// DC-ADE: does a patient's statement report an adverse event of the drug? 1 有 (yes) or 2 無 (no).
import { f1, ratio, sum } from '../src/metrics/fractions.js';
import { normalizeId, unescapeNewlines } from '../src/tasks/prompt.js';
import { defineTask } from '../src/tasks/types.js';
import { majority } from '../src/tasks/baselines.js';
import type { Release } from '../src/release/release.js';
import { afterFirstLine } from '../src/tasks/explanation.js';

const FOLDER = 'CLU/DC_ADE';
type Label = '有' | '無';

function loadDocuments(release: Release) {
  return release.csv(FOLDER, 'data.csv').map((r) => ({
    id: normalizeId(r['Unnamed: 0']),
    text: `${unescapeNewlines(r.text)}\n薬剤名: ${r.medication}`,
    fields: { text: unescapeNewlines(r.text), medication: r.medication },
    gold: r.label as Label,
  }));
}

const show = (label: Label) => (label === '有' ? '1 有 (adverse event)' : '2 無 (none)');

export default defineTask<Label, Label>({
  id: 'dc-ade',
  label: 'DC-ADE',
  title: 'Adverse drug event classification',
  folder: FOLDER,
  metric: 'F1',
  oneShotExamples: ['567'],
  loadDocuments,
  fromGeneration: (row) => ({
    id: normalizeId(row['Unnamed: 0']),
    gold: row.label as Label,
    output: String(row.generated ?? ''),
  }),
  toGeneration: (doc, output, gold) => ({
    'Unnamed: 0': doc.id,
    medication: doc.fields.medication,
    label: gold,
    generated: output,
  }),
  // Baseline: the majority class.
  baseline: (doc, pool) => (majority(doc, pool, (d) => d.gold) === '有' ? '1' : '2'),
  // The release read an output as 無 only when it starts with 2; anything else, unreadable text
  // included, counted as 有. Zero-shot open models thus score exactly the all-positive baseline.
  parse(output) {
    const text = output.trim();
    if (text.startsWith('2')) return { value: '無', ok: true };
    return text.startsWith('1')
      ? { value: '有', ok: true }
      : { value: '有', ok: false, problem: 'no option number: counted as 有 (positive), as the release did' };
  },
  async explain({ gold, parsed, output }) {
    return {
      kind: 'label',
      read: show(parsed.value),
      gold: show(gold),
      correct: parsed.value === gold,
      // An output without a number is not read at all (counted 有), so it has no point where reading stopped.
      ...(parsed.ok ? { stop: afterFirstLine(output) } : { assumed: 'counted as 1 有, as the release did' }),
    };
  },
  score: async (items) =>
    items.map(({ gold, parsed }) => ({
      tp: gold === '有' && parsed.value === '有' ? 1 : 0,
      fp: gold === '無' && parsed.value === '有' ? 1 : 0,
      fn: gold === '有' && parsed.value === '無' ? 1 : 0,
    })),
  aggregate(scores) {
    const tp = sum(scores.map((s) => s.tp));
    const precision = ratio(tp, tp + sum(scores.map((s) => s.fp)));
    const recall = ratio(tp, tp + sum(scores.map((s) => s.fn)));
    return { precision, recall, f1: f1(precision, recall) };
  },
  headline: (m) => m.f1 as number,
  showGold: show,
  showParsed: (p) => show(p.value),
});
