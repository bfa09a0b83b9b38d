// A declared task's released generations checked against its data. The data holds the gold; a generations file
// supplies outputs by id. Every way a file can disagree with the data is one problem line (GENERATION_CHECKS),
// listed by `jcb tasks check`, leaving the task out at load, and refused when replayed or scored.
import type { Row } from '../../release/files.js';
import { cellNamed, columnNamed, type KeyProblem } from './columns.js';

/** The generations file's columns as the task file names them; `gold` only when the task file names it. */
export interface GenerationColumns {
  id: string;
  output: string;
  gold?: string;
}

/** The data's documents by id, and how a gold cell of the file reads as the task's gold (compared as JSON). */
export interface DataGold {
  golds: ReadonlyMap<string, unknown>;
  goldOf: (raw: unknown, id: string) => unknown;
  idOf: (raw: unknown) => string;
}

const keysOf = (rows: readonly Row[]) => [...new Set(rows.flatMap((r) => Object.keys(r)))].join(', ');
const more = (n: number) => (n > 1 ? ` (and ${n - 1} more)` : '');
/** A gold as compared: lists as sets (set-f1 reads them so), everything else as it reads. */
const comparable = (g: unknown) => JSON.stringify(Array.isArray(g) ? [...g].map(String).sort() : g);

/**
 * Every disagreement of `rows` (one generations file, named `file` as the task file names it) with the data:
 * a column missing from a row, an empty id, an id that repeats, an id the data lacks, a gold other than the data's.
 * Documents of the data the file lacks are not a problem (a one-shot file leaves out the example; a model may
 * cover part of the data): they are not replayed. Gold cells are never echoed (a private task's data).
 */
export function generationProblems(
  rows: readonly Row[],
  file: string,
  columns: GenerationColumns,
  data: DataGold,
): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const need: [key: string, name: string | undefined][] = [
    ['generations.id', columns.id],
    ['generations.output', columns.output],
    ['generations.gold', columns.gold],
  ];
  for (const [key, name] of need) {
    if (name === undefined) continue;
    const lacking = rows.findIndex((r) => columnNamed(name, Object.keys(r)).column === undefined);
    if (lacking >= 0)
      problems.push({
        key,
        message: `no column "${name}" in row ${lacking + 1} of ${file}; its columns: ${keysOf(rows)}`,
      });
  }
  if (problems.length) return problems;
  const ids = rows.map((r) => data.idOf(cellNamed(r, columns.id)));
  const empty = ids.filter((id) => id === '');
  if (empty.length)
    problems.push({
      key: 'generations.id',
      message: `row ${ids.indexOf('') + 1} of ${file} has no id${more(empty.length)}`,
    });
  const seen = new Set<string>();
  const repeated = ids.filter((id) => id !== '' && (seen.has(id) || !seen.add(id)));
  if (repeated.length)
    problems.push({
      key: 'generations.id',
      message: `the id "${repeated[0]}" repeats in ${file}${more(repeated.length)}; each document once`,
    });
  const unknown = ids.filter((id) => id !== '' && !data.golds.has(id));
  if (unknown.length)
    problems.push({
      key: 'generations.id',
      message: `the id "${unknown[0]}" of ${file} is no document of the data${more(unknown.length)}; its rows must be the data's documents`,
    });
  const differing = rows.flatMap((r, i) => {
    const id = ids[i];
    const raw = cellNamed(r, columns.gold ?? 'gold');
    if (raw === undefined || !data.golds.has(id)) return [];
    return comparable(data.goldOf(raw, id)) === comparable(data.golds.get(id)) ? [] : [id];
  });
  if (differing.length)
    problems.push({
      key: 'generations.gold',
      message: `the gold of "${differing[0]}" in ${file} differs from the data's${more(differing.length)}; the data holds the gold: correct the file or leave its gold out`,
    });
  return problems;
}
