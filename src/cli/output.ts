// `-o/--output PATH`: a command's result as a file, in the format its extension names (`-`: standard output, in
// the format --format names). CSV and Markdown are
// what a spreadsheet or a report reads: the numbers as on screen (scores ×100, one decimal), what they stand on
// (shot, source, release) beside them, and every mark explained in the file itself.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { PRIVATE_CAPTION } from '../policy/data-policy.js';
import { UserError } from '../base/errors.js';
import { jsonForPeople } from '../base/shown.js';
import { STANDARD_OUTPUT, type PathArgument } from '../base/paths.js';
import { terminalText } from './terminal-text.js';
import { COMMANDS } from '../command/commands.js';

/**
 * The formats a file option may write that a terminal cannot show (bytes): given `-` (standard output), written to
 * a pipe or a file (`> board.png`) but refused on a terminal. Every other format is text.
 */
export const BINARY_FORMATS: readonly string[] = ['png'];

/** The formats of a file option as typed (`-o`, `--chart`), from the command table; none for one format only. */
const formatsOf = (option: string) =>
  COMMANDS.flatMap((c) => c.options).find((o) => (o.short ? `-${o.short}` : `--${o.name}`) === option)?.formats;

/** Whether standard output carries a file (`-o -`): the command's own text then goes to stderr (`screen`). */
let standardOutputTaken = false;

/** Where a command's text for people goes: standard output, or stderr when a file option took it (`-o -`). */
export const screen = (): NodeJS.WriteStream => (standardOutputTaken ? process.stderr : process.stdout);

/** A line of a command's text, written to screen() with its control characters shown (terminalText). */
export const printLine = (text: string): void => void screen().write(`${terminalText(text)}\n`);

/**
 * Checks the file options given `-` before any work, and takes standard output for them: the command's own text
 * (JSON too, with --json) then goes to stderr. `format` is what `-` gets (the Command's, build.ts) where the option
 * has formats; an option of one format (`--log-samples`: JSONL) writes text.
 * @throws UserError for bytes to a terminal (`--chart -`, a PNG, on a TTY)
 */
export function claimStandardOutput(
  args: readonly PathArgument[],
  format: string | undefined,
  isTTY = process.stdout.isTTY,
): void {
  const dash = args.filter((a) => a.use === 'file' && a.value === STANDARD_OUTPUT);
  for (const a of dash) {
    const formats = formatsOf(a.option);
    if (formats && format && BINARY_FORMATS.includes(format) && isTTY)
      throw new UserError(
        `${a.option} -: a ${format.toUpperCase()} is not shown on a terminal.`,
        `Redirect it (${a.option} - > file.${format}), give a file (${formats.map((f) => `FILE.${f}`).join(' or ')}), or --format ${formats.filter((f) => !BINARY_FORMATS.includes(f)).join('|')}.`,
      );
  }
  standardOutputTaken = dash.length > 0;
}

/** Writes `data` to `file`, or to standard output for `-`. */
export function writeFileOrOutput(file: string, data: string | Uint8Array): void {
  // Text to standard output is shown by a terminal when not piped: made safe as every printed text is.
  if (file === STANDARD_OUTPUT) process.stdout.write(typeof data === 'string' ? terminalText(data) : data);
  else writeFileSync(file, data);
}

/** A cell: text, a number as written (`score100` gives a score's), or none (empty in CSV, `–` in Markdown). */
export type Cell = string | number | null;

/** What a command can write: its JSON value, and the same as a grid for CSV and Markdown. */
export interface Tabular {
  json: unknown;
  header: string[];
  rows: Cell[][];
  /**
   * What every number stands on (`shot`, `source`, `release`, …): leading columns of the CSV, the Markdown
   * caption. Values are plain words.
   */
  context: Record<string, string>;
}

/**
 * The same file, saying it holds private data: a leading CSV column, a Markdown caption, and in JSON the value
 * under `result` beside a `data` key (src/policy/data-policy.ts, PRIVATE_CAPTION).
 */
export function markedPrivate(data: Tabular): Tabular {
  return {
    ...data,
    json: { data: PRIVATE_CAPTION, result: data.json },
    context: { data: PRIVATE_CAPTION, ...data.context },
  };
}

/** A 0–1 score as the screen shows it: ×100 with one decimal (`80.0`, never `80`); null stays none. */
export function score100(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : (value * 100).toFixed(1);
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A CSV cell a spreadsheet reads as data: text that starts like a formula (`=`, `+`, `-`, `@`, a tab or a
 * carriage return) gets a leading `'` (OWASP, "CSV Injection"); numbers stay numbers.
 */
function csvCell(v: Cell): string | number {
  if (v === null) return '';
  if (typeof v === 'number' || NUMBER.test(v)) return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

const mdCell = (v: Cell) => (v === null ? '–' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' '));

/** The Markdown caption: what the numbers stand on, the date written, and what `–` means. */
function caption(context: Record<string, string>, now: Date): string {
  const parts = Object.entries(context).map(([k, v]) => `${k}: ${v}`);
  return `*${[...parts, `written ${now.toISOString().slice(0, 10)}`].join(' · ')}. – no score.*`;
}

/** The format a file option writes to `file`: `format` (the Command's, for `-`), else the file's extension. */
export const formatOf = (file: string, format: string | undefined): string =>
  (file === STANDARD_OUTPUT && format) || path.extname(file).slice(1).toLowerCase();

/**
 * Writes `data` to `file` in `format` (by default the one its extension names): JSON (the --json value), CSV
 * (UTF-8 with a BOM, so that Excel reads Japanese; one header line, then rows; the context as leading columns) or
 * a Markdown table under its caption (`md`, and any other extension). `-` is standard output.
 */
export function writeOutput(file: string, data: Tabular, format = formatOf(file, undefined), now = new Date()): void {
  const keys = Object.keys(data.context);
  const values = Object.values(data.context);
  let text: string;
  if (format === 'json') text = `${jsonForPeople(data.json, 'terminal')}\n`;
  else if (format === 'csv')
    text = stringify(
      [[...keys, ...data.header], ...data.rows.map((r) => [...values, ...r])].map((r) => r.map(csvCell)),
      {
        bom: true,
      },
    );
  else
    text = [
      caption(data.context, now),
      '',
      `| ${data.header.map(mdCell).join(' | ')} |`,
      `| ${data.header.map(() => '---').join(' | ')} |`,
      ...data.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
      '',
    ].join('\n');
  writeFileOrOutput(file, text);
}
