// DC-TMN: the lung cancer T, N and M factors (TNM 8th edition) of a radiology report.
import { f1, mean, ratio, sum } from '../src/metrics/fractions.js';
import { normalizeId, unescapeNewlines } from '../src/tasks/prompt.js';
import { defineTask } from '../src/tasks/types.js';
import { majority } from '../src/tasks/baselines.js';
import { normalizeLabelText } from '../src/tasks/label-text.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLU/DC_TMN';
const FACTORS = ['t', 'n', 'm'] as const;
type Factor = (typeof FACTORS)[number];
type Tnm = Record<Factor, string | null>;

// The labels the prompt offers. Gold T1, T2 and M1 exist in the data but are never one of them, so
// the release never credited them (and left them out of recall's denominator).
const LABELS: Record<Factor, readonly string[]> = {
  t: ['TX', 'T0', 'Tis', 'T1mi', 'T1a', 'T1b', 'T1c', 'T2a', 'T2b', 'T3', 'T4'],
  n: ['NX', 'N0', 'N1', 'N2', 'N3'],
  m: ['M0', 'M1a', 'M1b', 'M1c'],
};

function loadDocuments(release: Release) {
  return release.csv(FOLDER, 'data.csv').map((r) => ({
    id: normalizeId(r.id),
    // data.csv stores line breaks as `\n`; the template's own example shows them as real ones.
    text: unescapeNewlines(r.text),
    fields: { text: unescapeNewlines(r.text) },
    gold: { t: r.t, n: r.n, m: r.m },
  }));
}

/** One factor as the release read it: the label, the output's line for it, and whether the label came from the next line. */
interface FactorReading {
  value: string | null;
  line: string | null;
  fromNextLine: boolean;
}

/**
 * `T因子: T2a`: the first such line of each factor, as the release read them (shared/spec/benchmark.md), after
 * width and markdown are normalised (`**Ｔ因子**：Ｔ２ａ`). A label ends at a blank, `/`, `|` (the release's
 * ends) or at a separator or remark written after it (`T2a,` `T2a、` `T2a。` `T2a(…)`). The blanks after the
 * colon may span lines, as the release's `\s*` did: `T因子: ` followed by `N因子: N0` reads T as `N因子:`.
 */
function readFactorLines(output: string): Record<Factor, FactorReading> {
  const text = normalizeLabelText(output);
  const out = {} as Record<Factor, FactorReading>;
  for (const f of FACTORS) {
    const label = `${f.toUpperCase()}因子\\s*:`;
    const m = new RegExp(`${label}(\\s*)([^\\s/|,、。(]+)`).exec(text);
    const at = m?.index ?? new RegExp(label).exec(text)?.index;
    out[f] = {
      value: m?.[2] ?? null,
      line: at === undefined ? null : text.slice(at).split('\n')[0].trim(),
      fromNextLine: m?.[1].includes('\n') ?? false,
    };
  }
  return out;
}

const readFactors = (output: string): Tnm => {
  const lines = readFactorLines(output);
  return { t: lines.t.value, n: lines.n.value, m: lines.m.value };
};

/** Whether a factor is credited: its gold is one of the offered labels and the output's label equals it. */
const credited = (gold: string | null, read: string | null, f: Factor) =>
  gold !== null && LABELS[f].includes(gold) && read === gold;

const show = (v: Tnm) => FACTORS.map((f) => v[f] ?? `${f.toUpperCase()}?`).join(' ');

export default defineTask<Tnm, Tnm>({
  id: 'dc-tnm',
  label: 'DC-TMN',
  title: 'Lung cancer TNM staging',
  folder: FOLDER,
  metric: 'F1',
  oneShotExamples: ['15059875'],
  loadDocuments,
  fromGeneration: (row) => ({
    id: normalizeId(row.id),
    gold: { t: String(row.t), n: String(row.n), m: String(row.m) },
    output: String(row.generated ?? ''),
  }),
  toGeneration: (doc, output, gold) => ({ id: doc.id, ...gold, generated: output }),
  // Baseline: the most frequent label of each factor.
  baseline: (doc, pool) =>
    FACTORS.map((f) => `${f.toUpperCase()}因子: ${majority(doc, pool, (d) => d.gold[f])}`).join('\n'),
  documentFromText: (text) => ({ id: 'text', text, fields: { text }, gold: { t: null, n: null, m: null } }),
  parse(output) {
    const lines = readFactorLines(output);
    const value = readFactors(output);
    const missing = FACTORS.filter((f) => value[f] === null);
    // A line that is there but holds no label is said to be empty: "no M因子: line" would contradict the output.
    const names = (fs: Factor[]) => fs.map((f) => `${f.toUpperCase()}因子:`).join(', ');
    const absent = missing.filter((f) => lines[f].line === null);
    const empty = missing.filter((f) => lines[f].line !== null);
    const said = [
      ...(absent.length ? [`no ${names(absent)} line`] : []),
      ...(empty.length ? [`${names(empty)} line${empty.length > 1 ? 's' : ''} empty`] : []),
    ];
    return missing.length ? { value, ok: false, problem: said.join('; ') } : { value, ok: true };
  },
  async explain({ gold, output }) {
    const lines = readFactorLines(output);
    return {
      kind: 'factors',
      factors: FACTORS.map((f) => ({
        factor: f.toUpperCase() as 'T' | 'N' | 'M',
        line: lines[f].line,
        read: lines[f].value,
        fromNextLine: lines[f].fromNextLine,
        gold: gold[f],
        offered: gold[f] !== null && LABELS[f].includes(gold[f]!),
        correct: credited(gold[f], lines[f].value, f),
      })),
    };
  },
  score: async (items) =>
    items.map(({ gold, parsed }) => {
      const s: Record<string, number> = {};
      for (const f of FACTORS) {
        const labelled = gold[f] !== null && LABELS[f].includes(gold[f]!);
        s[`${f}_correct`] = credited(gold[f], parsed.value[f], f) ? 1 : 0;
        s[`${f}_labelled`] = labelled ? 1 : 0;
      }
      return s;
    }),
  // Per factor: precision over every row, recall over the rows whose gold is an offered label.
  aggregate(scores) {
    const out: Record<string, Record<string, number>> = {};
    for (const f of FACTORS) {
      const correct = sum(scores.map((s) => s[`${f}_correct`]));
      const precision = ratio(correct, scores.length);
      const recall = ratio(correct, sum(scores.map((s) => s[`${f}_labelled`])));
      out[f] = { precision, recall, f1: f1(precision, recall) };
    }
    return out;
  },
  // Table 4's DC-TMN cell is the mean of the three F1.
  headline: (m) => mean(FACTORS.map((f) => (m[f] as Record<string, number>).f1)),
  showGold: show,
  showParsed: (p) => show(p.value),
});
