// `-o/--output PATH`: a command's result as a file, in the format its extension names.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** What a command can write: its JSON value, and the same as a grid for CSV and Markdown. */
export interface Tabular {
  json: unknown;
  header: string[];
  rows: (string | number | null)[][];
}

const mdCell = (v: string | number | null) =>
  String(v ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

/** Writes `data` to `file` as JSON (the --json value), CSV (RFC 4180) or a Markdown table. */
export function writeOutput(file: string, data: Tabular): void {
  const ext = path.extname(file).toLowerCase();
  let text: string;
  if (ext === '.json') text = `${JSON.stringify(data.json, null, 2)}\n`;
  else if (ext === '.csv') text = stringify([data.header, ...data.rows.map((r) => r.map((v) => v ?? ''))]);
  else
    text = [
      `| ${data.header.map(mdCell).join(' | ')} |`,
      `| ${data.header.map(() => '---').join(' | ')} |`,
      ...data.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
      '',
    ].join('\n');
  writeFileSync(file, text);
}
