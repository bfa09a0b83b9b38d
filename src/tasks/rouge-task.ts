// The generation settings (HS-PN, HS-DS, IRS, CTS): free text scored with ROUGE-L on MeCab tokens.
import { mean } from '../metrics/fractions.js';
import { lcsLength } from '../metrics/rouge-l.js';
import { rougeScores } from './rouge-scores.js';
import { stopAt } from './explanation.js';
import type { Row } from '../release/files.js';
import type { Release } from '../release/release.js';
import { defineTask, goldAndOutputTokens, type Document, type GenerationRow, type Task, type TaskId } from './types.js';

// Where the release stopped reading an output. The colon matters: `### 入力例:` is not a cut
// (Meta-Llama-3's CTS outputs); `解説` (an added explanation) and `python` (a drift into code) are
// needed by Swallow's outputs. Bare ``` fences and a leading `### 平易化文書:` were scored as they are.
const OUTPUT_END = /#+\s*(入力|解説)\s*:|(```)?python/;

export function cleanGeneration(output: string): string {
  const m = OUTPUT_END.exec(output);
  return (m ? output.slice(0, m.index) : output).trim();
}

export interface RougeTaskSpec {
  id: TaskId;
  label: string;
  title: string;
  folder: string;
  oneShotExamples: readonly string[];
  loadDocuments(release: Release): Document<string>[];
  /** Every row of the release, where it has more than loadDocuments reads (see Task). */
  allDocuments?(release: Release): Document<string>[];
  documentRule?: string;
  /** The row's document id (the release names it differently per model and setting). */
  generationId(row: Row): string;
  /** The placeholder a user's free text fills, where the input is one text (HS-PN, CTS). */
  textField?: string;
  /** The baseline's output: the lead of the document, or (CTS) the input unchanged. */
  baseline(doc: Document<string>, pool: readonly Document<string>[]): string;
}

export function rougeTask(spec: RougeTaskSpec): Task {
  return defineTask<string, string>({
    ...spec,
    metric: 'ROUGE-L',
    toGeneration: (doc, output, gold) => ({ id: doc.id, generated: output, gold }),
    fromGeneration: (row): GenerationRow<string> => ({
      id: spec.generationId(row),
      gold: String(row.gold ?? ''),
      output: String(row.generated ?? ''),
    }),
    parse(output) {
      const text = cleanGeneration(output);
      return text
        ? { value: text, ok: true }
        : { value: '', ok: false, problem: 'empty output: left out of the means, as the release did' };
    },
    async score(items, ctx) {
      const scores = await rougeScores(
        ctx,
        items.map((it) => it.gold),
        items.map((it) => it.parsed.value),
      );
      return items.map((it, i) => {
        if (!it.parsed.value) return { empty: 1, precision: 0, recall: 0, f1: 0 };
        return { empty: 0, ...scores[i] };
      });
    },
    // The release averaged over documents whose output is not empty (CTS MedSwallow: 36 of 97).
    aggregate(scores) {
      const kept = scores.filter((s) => !s.empty);
      return {
        precision: mean(kept.map((s) => s.precision)),
        recall: mean(kept.map((s) => s.recall)),
        f1: mean(kept.map((s) => s.f1)),
      };
    },
    leftOut: (scores) => scores.filter((s) => s.empty).length,
    headline: (m) => m.f1 as number,
    async explain({ gold, parsed, output }, ctx) {
      const end = OUTPUT_END.exec(output);
      const stop = end ? stopAt(output, end.index, 'end marker', end[0]) : undefined;
      if (!parsed.value) return { kind: 'rouge', lcs: 0, outputTokens: 0, goldTokens: 0, empty: true, stop };
      const [[goldTokens], [outputTokens]] = await goldAndOutputTokens(ctx, [gold], [parsed.value]);
      return {
        kind: 'rouge',
        lcs: lcsLength(outputTokens, goldTokens),
        outputTokens: outputTokens.length,
        goldTokens: goldTokens.length,
        empty: false,
        stop,
      };
    },
    compare: (gold, parsed) => ({ kind: 'texts', gold, output: parsed.value }),
    documentFromText: spec.textField
      ? (text) => ({ id: 'text', text, fields: { [spec.textField!]: text }, gold: '' })
      : undefined,
    showGold: (gold) => gold,
    showParsed: (p) => p.value,
  });
}
