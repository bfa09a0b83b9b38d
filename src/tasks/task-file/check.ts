// The checks of a parsed task file against its data and templates: every problem found, none thrown, so that
// `jcb tasks check` reports them all at once and a file with any problem never reaches the registry.
import type { Row } from '../../release/files.js';
import { categoriesOf, cellText, goldLabel, optionsOf } from './declared-task.js';
import { METRICS } from './metrics.js';
import { READERS } from './readers.js';
import { EXAM_RULES } from './exam.js';
import type { TaskFile } from './schema.js';
import { placeholdersOf } from './templates.js';
import { columnNamed } from './columns.js';

/** One problem: the key of the task file (`data.gold`, `prompts.one`) and what was wrong and would be right. */
export interface KeyProblem {
  key: string;
  message: string;
}

const list = (names: readonly string[], max = 8) =>
  names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');

/** Reader, metric and answer-shape problems: what needs no data. */
export function checkAnswer(spec: TaskFile): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const { kind, reader: readerName } = spec.answer;
  const reader = READERS[readerName];
  const readersOfKind = Object.entries(READERS)
    .filter(([, r]) => r.kind === kind)
    .map(([n]) => n);
  if (!reader)
    problems.push({
      key: 'answer.reader',
      message: `unknown reader "${readerName}"; readers for ${kind}: ${readersOfKind.join(', ')}`,
    });
  else if (reader.kind !== kind)
    problems.push({
      key: 'answer.reader',
      message: `${readerName} reads ${reader.kind} answers, not ${kind}; readers for ${kind}: ${readersOfKind.join(', ')}`,
    });
  else if (reader.labels && (spec.answer.labels ?? 'numbers') !== reader.labels)
    problems.push({
      key: 'answer.labels',
      message: `${readerName} reads options named by ${reader.labels}; set labels: ${reader.labels}`,
    });
  if (kind === 'option' && !spec.answer.options)
    problems.push({
      key: 'answer.options',
      message: 'option answers need the column holding the options, or one column per option',
    });
  if (kind === 'label' && !Array.isArray(spec.answer.labels))
    problems.push({
      key: 'answer.labels',
      message: 'label answers need the list of labels, e.g. [positive, negative]',
    });
  if (kind === 'exam' && !(spec.answer.exam && spec.answer.exam in EXAM_RULES))
    problems.push({
      key: 'answer.exam',
      message: `exam answers need the exam's rule; rules: ${Object.keys(EXAM_RULES).join(', ')}`,
    });
  if (kind === 'spans' && !spec.answer.tags)
    problems.push({ key: 'answer.tags', message: 'span answers need their tag names, e.g. [d]' });
  spec.metrics.forEach((name, i) => {
    const metric = METRICS[name];
    const ofKind = Object.entries(METRICS)
      .filter(([, m]) => m.kinds.includes(kind))
      .map(([n]) => n);
    if (!metric)
      problems.push({
        key: `metrics.${i}`,
        message: `unknown metric "${name}"; metrics for ${kind}: ${ofKind.join(', ')}`,
      });
    else if (!metric.kinds.includes(kind))
      problems.push({
        key: `metrics.${i}`,
        message: `${name} does not score ${kind} answers; metrics for ${kind}: ${ofKind.join(', ')}`,
      });
  });
  spec.references.forEach((r, i) => {
    if (!spec.metrics.includes(r.metric))
      problems.push({
        key: `references.${i}.metric`,
        message: `"${r.metric}" is not one of this task's metrics (${spec.metrics.join(', ')})`,
      });
  });
  return problems;
}

/** What people separate list items with besides a comma: 、 ， ； ; ・ and line breaks. */
const LIST_SEPARATORS = /[、，；;・\n]/;

/** Column, gold-value, id and placeholder problems: what needs the rows and the templates. */
export function checkData(
  spec: TaskFile,
  rows: readonly Row[],
  templates: { zero: string; one?: string },
): KeyProblem[] {
  const problems: KeyProblem[] = [];
  if (rows.length === 0)
    return [
      { key: 'data.file', message: 'the data has no rows; it needs one row per document (CSV: after the header line)' },
    ];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const need = (key: string, column: string | undefined) => {
    if (column !== undefined && !columns.includes(column))
      problems.push({ key, message: `no column "${column}" in the data; its columns: ${list(columns)}` });
  };
  need('data.id', spec.data.id);
  need('data.gold', spec.data.gold);
  (Array.isArray(spec.data.input) ? spec.data.input : [spec.data.input]).forEach((c, i) =>
    need(Array.isArray(spec.data.input) ? `data.input.${i}` : 'data.input', c),
  );
  const options = spec.answer.options;
  if (Array.isArray(options)) options.forEach((c, i) => need(`answer.options.${i}`, c));
  else need('answer.options', options);
  if (problems.length) return problems;

  if (spec.data.id) {
    // An empty or missing id would make a document no command can name (`jcb run <task> <model> ""`).
    const empty = rows.findIndex((r) => cellText(r[spec.data.id!]).trim() === '');
    if (empty >= 0)
      problems.push({ key: 'data.id', message: `row ${empty + 1} has no id (an empty cell); every row needs one` });
    const seen = new Set<string>();
    const repeated = rows.map((r) => String(r[spec.data.id!])).find((id) => seen.has(id) || !seen.add(id));
    if (repeated !== undefined)
      problems.push({ key: 'data.id', message: `the id "${repeated}" repeats; ids must be unique` });
  }
  const categories = categoriesOf(spec);
  if (spec.answer.kind === 'option' || spec.answer.kind === 'label') {
    rows.forEach((row, i) => {
      if (problems.length) return;
      const raw = row[spec.data.gold];
      const gold = spec.answer.goldIsIndex ? categories[Number(raw)] : goldLabel(String(raw ?? '').trim(), categories);
      const named = spec.answer.kind === 'option' ? categories.slice(0, optionsOf(spec, row).length) : categories;
      if (gold === undefined || !named.includes(gold))
        problems.push({
          key: 'data.gold',
          message: `row ${i + 1} has gold "${String(raw)}", not ${spec.answer.goldIsIndex ? 'an index of its options' : `one of ${list(named)}`}`,
        });
    });
  }
  if (spec.answer.kind === 'list') {
    // A plain gold is split on commas only (the CCA/MR rule): 胸痛、冷汗 would be one item, scored silently wrong.
    // The gold is never echoed (it may be a private task's data).
    const i = rows.findIndex((r) => {
      const raw = r[spec.data.gold];
      return typeof raw === 'string' && !raw.trim().startsWith('[') && LIST_SEPARATORS.test(raw.trim());
    });
    if (i >= 0) {
      const mark = String(rows[i][spec.data.gold]).trim().match(LIST_SEPARATORS)![0];
      problems.push({
        key: 'data.gold',
        message: `row ${i + 1} has a gold holding ${mark === '\n' ? 'a line break' : `"${mark}"`}, which would be read as one item (a plain list is split at commas only); write it as a JSON array such as ["胸痛", "冷汗"], or separate the items with commas`,
      });
    }
  }
  const names = [...columns, 'input', ...(spec.answer.kind === 'option' ? ['options'] : [])];
  const exampleNames = [...names.map((n) => `example.${n}`), 'example.gold'];
  for (const shot of ['zero', 'one'] as const) {
    const template = templates[shot];
    if (template === undefined) continue;
    const allowed = shot === 'one' ? [...names, ...exampleNames] : names;
    for (const name of placeholdersOf(template).filter((n) => !columnNamed(n, allowed).column))
      problems.push({
        key: `prompts.${shot}`,
        message: `the placeholder {{${name}}} has no value; ${shot === 'zero' && name.startsWith('example.') ? 'example placeholders belong in the one-shot prompt' : `placeholders: ${list(names)}${shot === 'one' ? ', example.<any of them>, example.gold' : ''}`}`,
      });
  }
  if (spec.prompts.example !== undefined && spec.data.id) {
    const id = String(spec.prompts.example);
    if (!rows.some((r) => String(r[spec.data.id!]).trim() === id))
      problems.push({
        key: 'prompts.example',
        message: `no row has the id "${id}"; give the id of the row to show as the example`,
      });
  }
  return problems;
}
