// Readers for the release's file formats (CSV with a BOM, JSON arrays, and JSON lines stored as .json) and for a
// task file's data as hospitals export it: any encoding of text-encoding.ts, header names with blanks around them,
// rows of empty cells (Excel's trailing `,,`) left out.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../base/errors.js';
import { fileSystemError } from '../base/paths.js';
import { decodeText } from './text-encoding.js';

export type Row = Record<string, unknown>;

const JSON_EXPECTED = 'Expected a JSON array or JSON lines of generations.';

/** The text of a data file in whichever encoding it was saved (text-encoding.ts); a missing file in one line. */
function readText(file: string, kind: string, expected: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw fileSystemError(err, file) ?? err;
  }
  return decodeText(bytes, file, kind, expected).text;
}

/**
 * A name a data file or a task file gives (a column, a JSON key, a label, a placeholder, a reader or metric), as
 * jcb compares it: NFKC (full-width `ＩＤ` is `ID`, the ideographic space U+3000 a space) without the blanks around
 * it. The one rule for every name a hospital's file holds, as full-width gold labels are read after NFKC.
 */
export const nameAsRead = (name: string) => name.normalize('NFKC').trim();

/**
 * CSV rows by the header's names (nameAsRead). A header line with tabs and no comma is tab-separated (Excel's "Unicode text"
 * saves a sheet as UTF-16 TSV), whatever the file's extension.
 */
export function readCsv(file: string): Record<string, string>[] {
  const text = readText(file, 'CSV', 'Expected CSV text with a header line.');
  const header = text.slice(0, text.search(/\r|\n|$/));
  const tabs = header.includes('\t') && !header.includes(',');
  try {
    return parse(text, {
      columns: (names: string[]) => names.map(nameAsRead),
      delimiter: tabs ? '\t' : ',',
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_quotes: true,
    });
  } catch (err) {
    throw csvProblem(err, file, tabs ? 'a tab' : 'a comma');
  }
}

/**
 * csv-parse's errors a spreadsheet's export meets, in one line of ours naming the row (its cells never echoed: they
 * may be private): a row with another number of cells than the header, a quoted cell never closed. Others as thrown.
 */
function csvProblem(err: unknown, file: string, separator: string): unknown {
  const e = err as { code?: string; lines?: number; records?: number; record?: unknown[]; columns?: unknown[] };
  if (e.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' && e.record && e.columns)
    return new UserError(
      `${file}: row ${(e.records ?? 0) + 1} (line ${e.lines}) has ${e.record.length} cells, the header ${e.columns.length}; a cell holding ${separator} or a line break must be in double quotes.`,
    );
  if (e.code === 'CSV_QUOTE_NOT_CLOSED')
    return new UserError(`${file}: a double quote opens a cell that is never closed (the file ends inside it).`);
  return err;
}

/**
 * A row must be an object (`{"id": …}`), its keys read as names (nameAsRead); a number, string, null or array is
 * named by its place.
 */
function objectRow(value: unknown, where: string): Row {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const row = value as Row;
    const keys = Object.keys(row);
    return keys.every((k) => nameAsRead(k) === k) ? row : Object.fromEntries(keys.map((k) => [nameAsRead(k), row[k]]));
  }
  const shown = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new UserError(
    `${where} is ${shown}, not an object of columns.`,
    'Each row must be a JSON object such as {"id": "1", …}.',
  );
}

/** A JSON array, or JSON lines (several generated files of the release are JSONL despite the name). */
export function readJsonRows(file: string, columns: readonly string[] = []): Row[] {
  // A binary file (an image, an archive, a database) is named as such by readText, its bytes never echoed.
  const text = readText(file, 'JSON', JSON_EXPECTED);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UserError(`${file} is not valid JSON (${(err as Error).message}).`);
    }
    if (!Array.isArray(parsed)) throw new UserError(`${file}: expected a JSON array of rows.`);
    return parsed.map((row, i) => objectRow(row, `${file}: element ${i + 1} of the array`));
  }
  if (trimmed.startsWith('{')) refuseContainer(file, text, columns);
  return text
    .split('\n')
    .map((line, i) => [line, i] as const)
    .filter(([line]) => line.trim() !== '')
    .map(([line, i]) => {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new UserError(`${file}:${i + 1} is not JSON: it reads "${shownStart(line)}".`, JSON_EXPECTED);
      }
      return objectRow(row, `${file}:${i + 1}`);
    });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Throws when the whole of `text` is one JSON object that holds rows rather than being one: read as JSON lines
 * it would be one row, or fail at its first line. Such an object spans several lines (pretty-printed), or has
 * only objects and arrays as values (`{"t1": {...}, "t2": {...}}`), or lacks every column of `columns` (the
 * ones a row must have, when the caller knows them) and holds an array of objects (`{"rows": [...], "n": 3}`).
 */
function refuseContainer(file: string, text: string, columns: readonly string[]): void {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    return;
  }
  if (!isObject(whole)) return;
  const values = Object.values(whole);
  const rowsOnly = values.length > 0 && values.every((v) => typeof v === 'object' && v !== null);
  const holdsRows =
    columns.length > 0 &&
    columns.every((c) => !Object.keys(whole).some((k) => nameAsRead(k) === c)) &&
    values.some((v) => Array.isArray(v) && v.length > 0 && v.every(isObject));
  if (!rowsOnly && !holdsRows && !text.trim().includes('\n')) return;
  const arrays = Object.entries(whole).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every(isObject));
  const under =
    arrays.length === 1
      ? `; it holds an array under ${JSON.stringify(shownStart(arrays[0][0]))}: save that array alone`
      : '';
  throw new UserError(
    `${file} is one JSON object; a data file must be a JSON array of objects or JSON lines (an object a line)${under}.`,
  );
}

/** The start of a line as evidence, cut at 40 characters. */
const shownStart = (line: string) =>
  Array.from(line.trim()).length > 40 ? `${Array.from(line.trim()).slice(0, 40).join('')}…` : line.trim();

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
