// Which column a task file's name means: names are read after NFKC (`ＩＤ` is `ID`), then matched exactly, else
// ignoring case when exactly one column matches (README "Data files as hospitals save them": `ＩＤ`, `　id ` are `id`).
/** One problem: the task file's key and what was wrong (check.ts's KeyProblem). */
export type KeyProblem = { key: string; message: string };
import type { TaskFile } from './schema.js';

/**
 * The column of `columns` that `name` names: `name` itself when present, else the one column equal to it ignoring
 * case; `ambiguous` lists the columns equal to it ignoring case when there are several and none is exact; neither
 * when no column matches.
 */
export function columnNamed(name: string, columns: readonly string[]): { column?: string; ambiguous?: string[] } {
  if (columns.includes(name)) return { column: name };
  const folded = columns.filter((c) => c.toLowerCase() === name.toLowerCase());
  if (folded.length === 1) return { column: folded[0] };
  return folded.length ? { ambiguous: folded } : {};
}

/** The problem of an ambiguous name: both (or all) columns named. */
export const ambiguityText = (name: string, columns: readonly string[]) =>
  `"${name}" names the columns ${columns.map((c) => `"${c}"`).join(' and ')} ignoring case; write one of them exactly`;

/** A row's cell under `name` as columnNamed reads it (undefined when no column, or several, match). */
export function cellNamed(row: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in row) return row[name];
  const { column } = columnNamed(name, Object.keys(row));
  return column === undefined ? undefined : row[column];
}

/**
 * `spec` with the data's columns it names (data.id, data.gold, data.input, answer.options) written as the data
 * writes them (columnNamed); a name matching several columns ignoring case is a problem naming them. A name no
 * column matches is left as it is (checkData names it with the data's columns).
 */
export function withDataColumns(
  spec: TaskFile,
  columns: readonly string[],
): { spec: TaskFile; problems: KeyProblem[] } {
  const problems: KeyProblem[] = [];
  const one = (key: string, name: string) => {
    const { column, ambiguous } = columnNamed(name, columns);
    if (ambiguous) problems.push({ key, message: ambiguityText(name, ambiguous) });
    return column ?? name;
  };
  const each = <T extends string | string[] | undefined>(key: string, names: T): T =>
    (names === undefined
      ? undefined
      : Array.isArray(names)
        ? names.map((n, i) => one(`${key}.${i}`, n))
        : one(key, names)) as T;
  const data = {
    ...spec.data,
    id: each('data.id', spec.data.id),
    gold: one('data.gold', spec.data.gold),
    input: each('data.input', spec.data.input),
  };
  return {
    spec: { ...spec, data, answer: { ...spec.answer, options: each('answer.options', spec.answer.options) } },
    problems,
  };
}
