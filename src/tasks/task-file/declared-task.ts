// A task file made into a Task: the same interface the built-in settings implement, so every command, the
// queue, exports and Slack treat it as one of them. Validation happens before (load.ts); this only builds.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { rougeScores } from '../rouge-scores.js';
import { matchSpans, type Span } from '../../metrics/span-f1.js';
import { exactListF1, partialListF1 } from '../../metrics/list-f1.js';
import { setF1 } from '../../metrics/set-f1.js';
import type { Row } from '../../release/files.js';
import { goldOfDocument, lead, majority } from '../baselines.js';
import { readPythonList, toPythonList } from '../lists.js';
import { readTaggedSpans } from '../ner-task.js';
import { storedChoiceAsOutput } from '../option-number.js';
import { normalizeId } from '../prompt.js';
import {
  defineTask,
  type Comparison,
  type DocScore,
  type Document,
  type Parsed,
  type ReferenceRow,
  type Task,
  type TaskOrigin,
} from '../types.js';
import { METRICS } from './metrics.js';
import { READERS, type AnswerValue } from './readers.js';
import type { TaskFile } from './schema.js';
import { fillPlaceholders } from './templates.js';
import { EXAM_RULES, normalizeExamAnswer } from './exam.js';
import { cellNamed } from './columns.js';
import { generationProblems } from './generations.js';

type Gold = string | string[] | SpanGold | ExamGold;
interface ExamGold {
  answer: string;
  points: number;
  accepted: string[];
}
interface SpanGold {
  text: string;
  spans: Span[];
  tagged: string;
}

/** What load.ts has resolved for the builder: rows read, templates read, paths made absolute. */
export interface ResolvedTaskFile {
  spec: TaskFile;
  rows: readonly Row[];
  templates: { zero: string; one?: string };
  /** The released generations' folder, absolute, when declared and present. */
  generationsDir?: string;
  origin: TaskOrigin;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Every name an answer of the task may give, in category order (option names or the declared labels). */
export function categoriesOf(spec: TaskFile): string[] {
  const labels = spec.answer.labels;
  if (Array.isArray(labels)) return labels;
  if (labels === 'letters') return [...LETTERS];
  if (labels === 'lowercase') return [...LETTERS.toLowerCase()];
  return Array.from({ length: 99 }, (_, i) => String(i + 1));
}

/** A cell as placeholder text: lists one item a line, missing values empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join('\n');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A label or option gold as the task file's list names it: a gold written in another width (`ｕｒｇｅｎｔ`, typed
 * with the IME on) is the label equal to it after NFKC, as outputs are read after NFKC (README "Label-like
 * answers"); a gold that is no label after NFKC either is returned as written (check.ts refuses it).
 */
export function goldLabel(gold: string, labels: readonly string[]): string {
  if (labels.includes(gold)) return gold;
  const wide = gold.normalize('NFKC');
  return labels.find((l) => l.normalize('NFKC') === wide) ?? gold;
}

/** A text document's reference: one function for every baseline call (it keys src/tasks/baselines.ts's sums). */
const goldTextOf = (d: { gold: unknown }) => d.gold as string;

/** An exam document's answer key: one function for every baseline call (it keys src/tasks/baselines.ts's tally). */
const examAnswerOf = (d: { gold: unknown }) => (d.gold as ExamGold).answer;

/** The options of a row: a list column (a JSON array, or a Python or JSON list literal), or one column each. */
export function optionsOf(spec: TaskFile, row: Row): string[] {
  const from = spec.answer.options;
  if (from === undefined) return [];
  if (Array.isArray(from)) return from.map((c) => cellText(row[c])).filter((o) => o.trim() !== '');
  return readPythonList(row[from]);
}

/** Builds the Task of a validated, resolved task file. */
export function declaredTask(resolved: ResolvedTaskFile): Task {
  const { spec, templates, origin } = resolved;
  const reader = READERS[spec.answer.reader];
  const kind = spec.answer.kind;
  const categories = categoriesOf(spec);
  const tags = spec.answer.tags ?? [];
  const none = categories.length;
  const inputs = Array.isArray(spec.data.input) ? spec.data.input : [spec.data.input];
  const gen = spec.generations;
  const idColumn = gen?.id ?? 'id';
  const outputColumn = gen?.output ?? 'generated';
  const goldColumn = gen?.gold ?? 'gold';
  /** A generations row's id as the data's ids read. */
  const idOf = (raw: unknown) => normalizeId(cellText(raw).trim());

  const goldOf = (raw: unknown, id = ''): Gold => {
    if (kind === 'exam') {
      const rule = EXAM_RULES[spec.answer.exam!];
      const answer = normalizeExamAnswer(cellText(raw));
      return { answer, points: rule.points(id), accepted: rule.accepted(id, answer) };
    }
    if (kind === 'option' && spec.answer.goldIsIndex) return categories[Number(raw)] ?? String(raw);
    if (kind === 'list') return readPythonList(raw);
    if (kind === 'spans') {
      const tagged = cellText(raw);
      return { ...readTaggedSpans(tagged, tags), tagged };
    }
    if (kind === 'option' || kind === 'label') return goldLabel(cellText(raw).trim(), categories);
    return cellText(raw).trim();
  };
  const rawGold = (gold: Gold): unknown => {
    if (kind === 'option' && spec.answer.goldIsIndex) return categories.indexOf(gold as string);
    if (kind === 'list') return toPythonList(gold as string[]);
    if (kind === 'spans') return (gold as SpanGold).tagged;
    if (kind === 'exam') return (gold as ExamGold).answer;
    return gold;
  };
  const shownGold = (gold: Gold): string => {
    if (Array.isArray(gold)) return gold.length ? gold.join(', ') : '(none)';
    if (typeof gold === 'object') return 'tagged' in gold ? gold.tagged : gold.accepted.join(' or ');
    return kind === 'option' ? `option ${gold}` : gold;
  };

  const shownParsed = (parsed: Parsed<AnswerValue>): string => {
    const v = parsed.value;
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.length ? (kind === 'option' ? `option ${v.join(', ')}` : v.join(', ')) : '(none)';
    return (
      v.spans.map((s) => `<${s.kind}>${Array.from(v.text).slice(s.start, s.end).join('')}</${s.kind}>`).join(' ') ||
      '(none)'
    );
  };

  const documents: Document<Gold>[] = resolved.rows.map((row, i) => {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) fields[k] = cellText(v);
    const text = inputs.map((c) => fields[c] ?? '').join('\n\n');
    fields.input = text;
    if (kind === 'option')
      fields.options = optionsOf(spec, row)
        .map((o, j) => `${categories[j]}. ${o}`)
        .join('\n');
    const id = spec.data.id ? normalizeId(cellText(row[spec.data.id]).trim()) : String(i + 1);
    return { id, text, fields, gold: goldOf(row[spec.data.gold], id) };
  });
  const exampleId = spec.prompts.example === undefined ? documents[0]?.id : normalizeId(String(spec.prompts.example));
  const example = documents.find((d) => d.id === exampleId);
  const golds = new Map(documents.map((d) => [d.id, d.gold]));

  const code = (label: string | undefined) => {
    const at = label === undefined ? -1 : categories.indexOf(label);
    return at < 0 ? none : at;
  };

  return defineTask<Gold, AnswerValue>({
    id: spec.id,
    label: spec.label ?? spec.id,
    title: spec.title,
    folder: `declared/${spec.id}`,
    metric: METRICS[spec.metrics[0]].shown,
    oneShotExamples: templates.one && exampleId !== undefined ? [exampleId] : [],
    loadDocuments: () => documents,
    // The data holds the gold: a row's own gold is read only for an id the data lacks (generations.ts refuses it).
    fromGeneration: (row) => {
      const raw = cellNamed(row, idColumn);
      const id = raw === undefined ? undefined : idOf(raw);
      const output = cellNamed(row, outputColumn);
      return {
        id,
        gold: id !== undefined && golds.has(id) ? golds.get(id)! : goldOf(cellNamed(row, goldColumn), id ?? ''),
        output: gen?.outputIs === 'choice-index' ? storedChoiceAsOutput(output) : cellText(output),
      };
    },
    checkGenerations: (rows, file) =>
      generationProblems(
        rows,
        resolved.generationsDir && file.startsWith(resolved.generationsDir + path.sep)
          ? path.join(gen!.dir, path.relative(resolved.generationsDir, file))
          : file,
        { id: idColumn, output: outputColumn, gold: gen?.gold },
        { golds, goldOf, idOf },
      ),
    toGeneration(doc, output, gold) {
      const parsed = reader.read(output, { categories, tags }).value;
      const stored =
        gen?.outputIs === 'choice-index'
          ? (parsed as string[]).length
            ? Number((parsed as string[]).map((c) => categories.indexOf(c)).join(''))
            : null
          : output;
      return { [idColumn]: doc.id, [outputColumn]: stored, [goldColumn]: rawGold(gold) };
    },
    baseline(doc, pool) {
      if (kind === 'option' || kind === 'label') return majority(doc, pool, goldOfDocument) as string;
      if (kind === 'exam') return majority(doc, pool, examAnswerOf);
      if (kind === 'list') return '[]';
      if (kind === 'spans') return (doc.gold as SpanGold).text;
      return lead(doc, doc.text, pool, goldTextOf);
    },
    parse: (output) => reader.read(output, { categories, tags }),
    async score(items, ctx) {
      if (kind === 'text') {
        const golds = items.map((it) => it.gold as string);
        const scores = await rougeScores(
          ctx,
          golds,
          items.map((it) => it.parsed.value as string),
        );
        return items.map((it, i) =>
          it.parsed.value ? { empty: 0, ...scores[i] } : { empty: 1, precision: 0, recall: 0, f1: 0 },
        );
      }
      return items.map(({ gold, parsed }): DocScore => {
        if (kind === 'list') {
          const [g, p] = [gold as string[], parsed.value as string[]];
          return { set_f1: setF1(p, g).f1, exact_f1: exactListF1(g, p), partial_f1: partialListF1(g, p) };
        }
        if (kind === 'spans') return matchSpans((parsed.value as { spans: Span[] }).spans, (gold as SpanGold).spans);
        if (kind === 'exam') {
          const { accepted, points } = gold as ExamGold;
          const correct = accepted.includes(parsed.value as string) ? 1 : 0;
          return { correct, points: correct * points, possible: points };
        }
        const chosen = parsed.value as string[];
        const predicted = chosen.length === 1 ? code(chosen[0]) : none;
        return { correct: chosen.length === 1 && chosen[0] === gold ? 1 : 0, gold: code(gold as string), predicted };
      });
    },
    aggregate: (scores) => Object.fromEntries(spec.metrics.map((m) => [m, METRICS[m].aggregate(scores)])),
    headline: (metrics) => metrics[spec.metrics[0]] as number,
    showGold: shownGold,
    showParsed: shownParsed,
    compare(gold, parsed): Comparison {
      if (kind === 'text') return { kind: 'texts', gold: gold as string, output: parsed.value as string };
      if (kind === 'list') {
        const [g, p] = [new Set(gold as string[]), new Set(parsed.value as string[])];
        return {
          kind: 'items',
          matched: [...p].filter((x) => g.has(x)),
          missed: [...g].filter((x) => !p.has(x)),
          extra: [...p].filter((x) => !g.has(x)),
        };
      }
      return { kind: 'labels', gold: shownGold(gold), predicted: shownParsed(parsed) };
    },
    documentFromText:
      inputs.length === 1 && kind !== 'option' && kind !== 'exam'
        ? (text) => ({ id: 'text', text, fields: { [inputs[0]]: text, input: text }, gold: goldOf('') })
        : undefined,
    prompt(doc, shot) {
      const template = shot === 'one' && templates.one ? templates.one : templates.zero;
      const exampleFields = example
        ? { ...prefixed(example.fields), 'example.gold': cellText(rawGoldShown(example.gold)) }
        : {};
      return fillPlaceholders(template, { ...exampleFields, ...doc.fields });
    },
    generationFile(modelDir, shot) {
      if (!resolved.generationsDir) return undefined;
      const file = path.join(resolved.generationsDir, modelDir, `${shot}_shot.json`);
      return existsSync(file) ? file : undefined;
    },
    origin,
    references: spec.references.map((r): ReferenceRow => ({ ...r, headline: r.metric === spec.metrics[0] })),
  });

  /** The example's gold as its answer would be written: the option name, the list, the tagged text. */
  function rawGoldShown(gold: Gold): unknown {
    if (Array.isArray(gold)) return toPythonList(gold);
    if (typeof gold === 'object') return 'tagged' in gold ? gold.tagged : gold.answer;
    return gold;
  }
}

const prefixed = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [`example.${k}`, v]));
