// A task file's rows: its data file(s) one after another, the gold joined from an answer key, rows excluded.
import { readCsv, readJsonRows, type Row } from '../../release/files.js';
import { cellText } from './declared-task.js';
import type { KeyProblem } from './check.js';
import { cellNamed, columnNamed } from './columns.js';
import type { TaskFile } from './schema.js';

/** A file's rows; `columns`: those a row must have (a JSON object without any of them holding rows is refused). */
function readRows(file: string, columns: readonly string[]): Row[] {
  return /\.csv$/i.test(file) ? readCsv(file) : readJsonRows(file, columns);
}

/** The reader's first line, the file named as the task file names it (no path: Slack shows these lines too). */
const firstLine = (err: unknown, full: string, rel: string) =>
  ((err as Error).message.split('\n')[0] ?? '').split(full).join(rel).slice(0, 240);
const FORMATS = 'expected CSV with a header line, JSONL (an object a line) or JSON (an array of objects)';
const columnsOf = (rows: readonly Row[]) => [...new Set(rows.flatMap((r) => Object.keys(r)))].join(', ');

/**
 * The rows of the task, with `excluded` counted. `locate(key, relativePath)` gives a file's full path or
 * undefined (it has recorded the problem). Problems of reading or joining are returned, never thrown.
 */
export function taskRows(
  spec: TaskFile,
  locate: (key: string, rel: string) => string | undefined,
): { rows: Row[]; excluded: number; problems: KeyProblem[] } {
  const problems: KeyProblem[] = [];
  const files = Array.isArray(spec.data.file) ? spec.data.file : [spec.data.file];
  let rows: Row[] = [];
  files.forEach((rel, i) => {
    const full = locate(Array.isArray(spec.data.file) ? `data.file.${i}` : 'data.file', rel);
    if (!full) return;
    try {
      rows.push(...readRows(full, [spec.data.input].flat()));
    } catch (err) {
      problems.push({ key: 'data.file', message: `${rel} is not readable (${firstLine(err, full, rel)}); ${FORMATS}` });
    }
  });
  const key = spec.data.answers;
  if (key) {
    const full = locate('data.answers.file', key.file);
    if (full) {
      let answers: Row[] = [];
      try {
        answers = readRows(full, [key.id]);
      } catch (err) {
        problems.push({
          key: 'data.answers.file',
          message: `${key.file} is not readable (${firstLine(err, full, key.file)}); ${FORMATS}`,
        });
      }
      const byId = new Map(answers.map((a) => [cellText(cellNamed(a, key.id)).trim(), cellNamed(a, key.gold)]));
      const idColumn = spec.data.id;
      if (!idColumn)
        problems.push({ key: 'data.id', message: 'an answer key is joined on the id: name the id column' });
      else if (answers.length && !columnNamed(key.id, Object.keys(answers[0])).column)
        problems.push({
          key: 'data.answers.id',
          message: `no column "${key.id}" in the answer key; its columns: ${columnsOf(answers)}`,
        });
      else if (answers.length && !columnNamed(key.gold, Object.keys(answers[0])).column)
        problems.push({
          key: 'data.answers.gold',
          message: `no column "${key.gold}" in the answer key; its columns: ${columnsOf(answers)}`,
        });
      else {
        rows = rows.map((r) => ({ ...r, [spec.data.gold]: byId.get(cellText(cellNamed(r, idColumn)).trim()) }));
        const missing = rows.find((r) => r[spec.data.gold] === undefined);
        if (missing)
          problems.push({
            key: 'data.answers',
            message: `the answer key has no answer for "${cellText(cellNamed(missing, idColumn))}"; it needs a line for every row's id`,
          });
      }
    }
  }
  const exclude = spec.data.exclude;
  const before = rows.length;
  if (exclude && rows.length) {
    if (!rows.some((r) => cellNamed(r, exclude.column) !== undefined))
      problems.push({
        key: 'data.exclude.column',
        message: `no column "${exclude.column}" in the data; its columns: ${columnsOf(rows)}`,
      });
    const same = (v: unknown) => cellText(v).toLowerCase() === String(exclude.equals).toLowerCase();
    rows = rows.filter((r) => !same(cellNamed(r, exclude.column)));
  }
  return { rows, excluded: before - rows.length, problems };
}
