// The NER settings: the model copies the sentence with entity tags; spans are compared by position.
import { f1, ratio, sum } from '../metrics/fractions.js';
import { alignSpans, matchSpans, type Span } from '../metrics/span-f1.js';
import type { Row } from '../release/files.js';
import type { Release } from '../release/release.js';
import { openModelRows } from './documents.js';
import { normalizeId } from './prompt.js';
import type { Mark } from '../base/format.js';
import { defineTask, type Document, type MarkedText, type Task, type TaskId } from './types.js';
import { stopAt } from './explanation.js';
import { codePointLength } from '../base/code-points.js';

export interface NerGold {
  sentence: string;
  entities: Span[];
}

/** An output read as entity spans over its own untagged text. */
export interface TaggedOutput {
  text: string;
  spans: Span[];
}

export interface NerTaskSpec {
  id: TaskId;
  label: string;
  title: string;
  folder: string;
  /** Tag names this setting predicts: `d`, or `m-key` and `m-val`. */
  kinds: readonly string[];
}

interface NerRow {
  ID: [number, number];
  text?: string;
  annotated_sentence: string;
  entities: { span: [number, number]; type: string; name: string }[];
}

const ANY_TAG = /<\/?[\p{L}\p{N}_-]+[^>]*>/gu;

/** FNV-1a, to tell apart sentences that share an (ID) in the release's sources. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').slice(0, 6);
}

function documentOf(row: NerRow): Document<NerGold> {
  const sentence = row.text ?? row.annotated_sentence.replace(ANY_TAG, '');
  return {
    // The release's ID is (document, sentence) but repeats across train_cr, train_rr and test_rr.
    id: normalizeId(`${row.ID[0]}-${row.ID[1]}-${shortHash(sentence)}`),
    text: sentence,
    fields: { text: sentence },
    gold: {
      sentence,
      // The gold kind is the type before `_`: d_positive → d, m-key_executed → m-key.
      entities: row.entities.map((e) => ({ start: e.span[0], end: e.span[1], kind: e.type.split('_')[0] })),
    },
  };
}

/**
 * The release's reading of a tagged output: before the first [EOS]; pairs of tags of any name, not
 * across lines, left to right; every matched pair's tags are removed from the offsets, but only the
 * task's kinds are entities. Unpaired tags stay as text.
 */
export function readTaggedSpans(output: string, kinds: readonly string[]): TaggedOutput {
  const eos = output.indexOf('[EOS]');
  const text = (eos >= 0 ? output.slice(0, eos) : output).trim();
  const pair = /<([\p{L}\p{N}_-]+)[^>]*>([^\n]*?)<\/\1>/gu;
  const spans: Span[] = [];
  let removed = 0;
  // Offsets in code points (the release's), counted on from the last match rather than from the start.
  let at = 0;
  let before = 0;
  for (const m of text.matchAll(pair)) {
    before += codePointLength(text, at, m.index);
    at = m.index + m[0].length;
    const innerLength = codePointLength(m[2]);
    if (kinds.includes(m[1])) {
      const start = before - removed;
      spans.push({ start, end: start + innerLength, kind: m[1] });
    }
    const matchLength = codePointLength(m[0]);
    removed += matchLength - innerLength;
    before += matchLength;
  }
  return { text: text.replace(pair, '$2'), spans };
}

export function nerTask(spec: NerTaskSpec): Task {
  const task: Task = defineTask<NerGold, TaggedOutput>({
    ...spec,
    metric: 'F1',
    oneShotExamples: [],
    // The paper's documents: the five open models' rows, each carrying its sentence and gold (385 of the 1,000
    // sentences are in none of the three files).
    paperDocuments: (_docs, release, shot) => openModelRows(task, release, shot) as Document<NerGold>[],
    documentRule: "the open models' 1,000 rows (by the release's ID)",
    // The generated rows are samples that reach beyond these three files, so each row also carries its
    // own sentence and gold (GenerationRow.document); these are the sentences a live model can be given.
    loadDocuments: (release: Release) =>
      ['train_cr.json', 'train_rr.json', 'test_rr.json'].flatMap((f) =>
        (release.jsonRows(spec.folder, f) as unknown as NerRow[]).map(documentOf),
      ),
    fromGeneration(row: Row) {
      const document = documentOf(row as unknown as NerRow);
      return { id: document.id, gold: document.gold, output: String(row.generated ?? ''), document };
    },
    // The release's row format: the entities carry their kind as type (the release adds `_<state>`).
    toGeneration: (doc, output, gold) => ({
      ID: doc.id.split('-').slice(0, 2).map(Number),
      entities: gold.entities.map((e) => ({
        name: Array.from(gold.sentence).slice(e.start, e.end).join(''),
        span: [e.start, e.end],
        type: e.kind,
      })),
      annotated_sentence: showTagged(gold.sentence, gold.entities),
      generated: output,
    }),
    // Baseline: tag every name that other sentences tag, longest first, never overlapping.
    baseline(doc, pool) {
      return `${showTagged(doc.gold.sentence, dictionaryTags(doc, pool))}[EOS]`;
    },
    parse(output) {
      const value = readTaggedSpans(output, spec.kinds);
      return value.spans.length > 0 || output.includes('[EOS]')
        ? { value, ok: true }
        : { value, ok: false, problem: 'no entity tags and no [EOS]: not a tagged copy of the sentence' };
    },
    score: async (items) => items.map((it) => matchSpans(it.parsed.value.spans, it.gold.entities)),
    // Micro-averaged over every entity of the file.
    aggregate(scores) {
      const tp = sum(scores.map((s) => s.tp));
      const fp = sum(scores.map((s) => s.fp));
      const fn = sum(scores.map((s) => s.fn));
      const precision = ratio(tp, tp + fp);
      const recall = ratio(tp, tp + fn);
      return { precision, recall, f1: f1(precision, recall), total_tp: tp, total_fp: fp, total_fn: fn };
    },
    headline: (m) => m.f1 as number,
    async explain({ gold, parsed, output }) {
      const predicted = parsed.value.spans;
      const aligned = alignSpans(predicted, gold.entities);
      // Extra spans lying across a gold span that they do not match: the overlaps a reader must see on both sides.
      const overlaps = predicted.filter(
        (p, i) => !aligned.predicted[i] && gold.entities.some((g) => p.start < g.end && g.start < p.end),
      ).length;
      const eos = output.indexOf('[EOS]');
      const stop = eos >= 0 ? stopAt(output, eos + '[EOS]'.length, 'end marker', '[EOS]') : undefined;
      return { kind: 'spans', ...matchSpans(predicted, gold.entities), overlaps, stop };
    },
    compare(gold, parsed) {
      const predicted = parsed.value.spans;
      const aligned = alignSpans(predicted, gold.entities);
      // Entity text only; the kind is named where a setting has several (NER-Med's m-key, m-val).
      const name = (text: string, s: Span) =>
        `${Array.from(text).slice(s.start, s.end).join('')}${spec.kinds.length > 1 ? ` (${s.kind})` : ''}`;
      const goldMarks = gold.entities.map((s, i) => ({ ...s, mark: aligned.gold[i] ? 'matched' : 'missed' }) as const);
      const predictedMarks = predicted.map(
        (s, i) => ({ ...s, mark: aligned.predicted[i] ? 'matched' : 'extra' }) as const,
      );
      return {
        kind: 'entities',
        gold: goldMarks.map((s) => ({ text: name(gold.sentence, s), mark: s.mark })),
        predicted: predictedMarks.map((s) => ({ text: name(parsed.value.text, s), mark: s.mark })),
        sentence: markedSentence(gold.sentence, goldMarks),
        output: markedSentence(parsed.value.text, predictedMarks),
        sameText: parsed.value.text === gold.sentence,
      };
    },
    documentFromText: (text) => ({ id: 'text', text, fields: { text }, gold: { sentence: text, entities: [] } }),
    showGold: (gold) => showSpans(gold.sentence, gold.entities),
    showParsed: (p) => showSpans(p.value.text, p.value.spans),
  });
  return task;
}

/**
 * A text in pieces, each span of one side marked in place by position. Spans of one side rarely overlap; one
 * that overlaps an earlier-starting span of the same side stays in the lists only.
 */
function markedSentence(sentence: string, spans: readonly (Span & { mark: Mark })[]): MarkedText[] {
  const chars = Array.from(sentence);
  const pieces: MarkedText[] = [];
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (s.start < at || s.end > chars.length || s.end <= s.start) continue;
    if (s.start > at) pieces.push({ text: chars.slice(at, s.start).join('') });
    pieces.push({ text: chars.slice(s.start, s.end).join(''), mark: s.mark });
    at = s.end;
  }
  if (at < chars.length) pieces.push({ text: chars.slice(at).join('') });
  return pieces;
}

function showSpans(sentence: string, spans: readonly Span[]): string {
  const chars = Array.from(sentence);
  return spans.length
    ? spans.map((s) => `<${s.kind}>${chars.slice(s.start, s.end).join('')}</${s.kind}>`).join(' ')
    : '(no entities)';
}

/** The sentence with its spans wrapped in tags of their kind. */
function showTagged(sentence: string, spans: readonly Span[]): string {
  const chars = Array.from(sentence);
  let out = '';
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at) continue;
    out += chars.slice(at, s.start).join('') + `<${s.kind}>${chars.slice(s.start, s.end).join('')}</${s.kind}>`;
    at = s.end;
  }
  return out + chars.slice(at).join('');
}

// Names each pool tags, with how many sentences tag them, computed once per pool.
const dictionaries = new WeakMap<readonly Document<NerGold>[], Map<string, { kind: string; sentences: number }>>();

function namesOf(doc: Document<NerGold>): Map<string, string> {
  const chars = Array.from(doc.gold.sentence);
  return new Map(doc.gold.entities.map((e) => [chars.slice(e.start, e.end).join(''), e.kind]));
}

function dictionaryTags(doc: Document<NerGold>, pool: readonly Document<NerGold>[]): Span[] {
  let dictionary = dictionaries.get(pool);
  if (!dictionary) {
    dictionary = new Map();
    // Counted per distinct sentence: the release's files repeat sentences, and a copy of the document
    // itself must not teach the baseline its answer.
    const distinct = new Map(pool.map((d) => [d.gold.sentence, d]));
    for (const d of distinct.values()) {
      for (const [name, kind] of namesOf(d)) {
        const entry = dictionary.get(name) ?? { kind, sentences: 0 };
        entry.sentences++;
        dictionary.set(name, entry);
      }
    }
    dictionaries.set(pool, dictionary);
  }
  const own = pool.some((d) => d.gold.sentence === doc.gold.sentence) ? namesOf(doc) : new Map<string, string>();
  const chars = Array.from(doc.gold.sentence);
  const taken = new Array<boolean>(chars.length).fill(false);
  const spans: Span[] = [];
  const names = [...dictionary].filter(([name, e]) => name.length > 1 && e.sentences - (own.has(name) ? 1 : 0) > 0);
  for (const [name, e] of names.sort((a, b) => b[0].length - a[0].length)) {
    const n = codePointLength(name);
    for (let i = doc.gold.sentence.indexOf(name); i >= 0; i = doc.gold.sentence.indexOf(name, i + 1)) {
      const start = codePointLength(doc.gold.sentence, 0, i);
      if (taken.slice(start, start + n).some(Boolean)) continue;
      taken.fill(true, start, start + n);
      spans.push({ start, end: start + n, kind: e.kind });
    }
  }
  return spans;
}
