// Readers for the release's file formats: CSV with a BOM, JSON arrays, and JSON lines stored as .json.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../base/errors.js';
import { fileSystemError } from '../base/paths.js';

export type Row = Record<string, unknown>;

export function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, relax_quotes: true });
}

/** A JSON array, or JSON lines (several generated files of the release are JSONL despite the name). */
export function readJsonRows(file: string): Row[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw fileSystemError(err, file) ?? err;
  }
  // A binary file (an image, an archive, a database): named as such, its bytes never echoed to a terminal.
  if (text.slice(0, 4096).includes('\u0000'))
    throw new UserError(`${file} is a binary file, not JSON.`, 'Expected a JSON array or JSON lines of generations.');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UserError(`${file} is not valid JSON (${(err as Error).message}).`);
    }
    if (!Array.isArray(parsed)) throw new UserError(`${file}: expected a JSON array of rows.`);
    return parsed as Row[];
  }
  return text
    .split('\n')
    .map((line, i) => [line, i] as const)
    .filter(([line]) => line.trim() !== '')
    .map(([line, i]) => {
      try {
        return JSON.parse(line) as Row;
      } catch {
        throw new UserError(
          `${file}:${i + 1} is not JSON: it reads "${shownStart(line)}".`,
          'Expected a JSON array or JSON lines of generations.',
        );
      }
    });
}

/** The start of a line as evidence, cut at 40 characters. */
const shownStart = (line: string) =>
  Array.from(line.trim()).length > 40 ? `${Array.from(line.trim()).slice(0, 40).join('')}…` : line.trim();

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
