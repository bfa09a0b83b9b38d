// Plain-text tables that fit the terminal: widths counted by string-width (East Asian wide characters
// take two columns), a long text column wrapped, the least important columns of a list left out (and named),
// a grid too wide for the screen split into stacked tables.
import stringWidth from 'string-width';

const GAP = '  ';

/** The width tables must fit: COLUMNS, else the terminal's, else 80. */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env): number {
  const cols = Number(env.COLUMNS);
  if (Number.isInteger(cols) && cols > 20) return cols;
  return process.stdout.columns || 80;
}

const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - stringWidth(s)));

/** Splits text into lines of at most `width` columns, at spaces where it can, inside words where it must. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(\s+)/)) {
    if (stringWidth(line + word) <= width) {
      line += word;
      continue;
    }
    if (line.trim()) lines.push(line.trimEnd());
    line = '';
    let rest = word.trimStart();
    while (stringWidth(rest) > width) {
      let cut = '';
      for (const ch of rest) {
        if (stringWidth(cut + ch) > width) break;
        cut += ch;
      }
      lines.push(cut);
      rest = rest.slice(cut.length);
    }
    line = rest;
  }
  if (line.trim() || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

const total = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + GAP.length * (ws.length - 1);

/** A wrapped column keeps at least this many columns: narrower, its text would be a tower of fragments. */
const MIN_WRAPPED = 16;

/**
 * The table as is when it fits; else with its widest column (after the first `keep`) wrapped when that is
 * enough; else (`several`) with its widest columns wrapped, each narrowed in turn no further than the next
 * widest nor MIN_WRAPPED, when that is enough; else undefined.
 */
function fitOrWrap(
  header: string[],
  rows: string[][],
  natural: number[],
  width: number,
  keep: number,
  several = false,
) {
  if (total(natural) <= width) return layout(header, rows, natural);
  const free = natural.map((w, i) => (i < keep ? -1 : w));
  const widest = free.indexOf(Math.max(...free));
  const room = width - (total(natural) - natural[widest]);
  if (room >= MIN_WRAPPED && widest >= keep)
    return layout(
      header,
      rows,
      natural.map((w, i) => (i === widest ? room : w)),
    );
  if (!several) return undefined;
  const ws = [...natural];
  while (total(ws) > width) {
    const left = ws.map((w, i) => (i < keep ? -1 : w));
    const i = left.indexOf(Math.max(...left));
    if (i < 0 || ws[i] <= MIN_WRAPPED) return undefined;
    const next = Math.max(MIN_WRAPPED, ...left.filter((_, j) => j !== i));
    // Never below the next widest, but by one column at least (two of a width take turns).
    ws[i] = Math.max(MIN_WRAPPED, ws[i] - (total(ws) - width), Math.min(next, ws[i] - 1));
  }
  return layout(header, rows, ws);
}

/**
 * Drops the least important columns, one at a time, until the rest fits: with one column wrapped, else
 * several.
 */
function dropToFit(header: string[], rows: string[][], natural: number[], width: number, priority: readonly number[]) {
  let shown = header.map((_, i) => i);
  let fitted: string | undefined;
  while (fitted === undefined && shown.length > 1) {
    const least = shown.reduce((a, i) => ((priority[i] ?? 0) <= (priority[a] ?? 0) ? i : a), shown[0]);
    shown = shown.filter((i) => i !== least);
    const pick = (r: string[]) => shown.map((i) => r[i] ?? '');
    const ws = shown.map((i) => natural[i]);
    fitted =
      fitOrWrap(pick(header), rows.map(pick), ws, width, 0) ??
      fitOrWrap(pick(header), rows.map(pick), ws, width, 0, true);
  }
  // One column left that is still too wide: wrapped to the screen.
  fitted ??= layout(
    [header[shown[0]]],
    rows.map((r) => [r[shown[0]] ?? '']),
    [width],
  );
  const dropped = header.filter((_, i) => !shown.includes(i));
  return [fitted, ...wrap(droppedNote(dropped, width), width)].join('\n');
}

function layout(header: string[], rows: string[][], widths: number[]): string {
  const render = (cells: string[]) => {
    const wrapped = cells.map((c, i) => wrap(c ?? '', widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, l) =>
      wrapped
        .map((w, i) => pad(w[l] ?? '', widths[i]))
        .join(GAP)
        .trimEnd(),
    ).join('\n');
  };
  return [render(header), widths.map((w) => '-'.repeat(w)).join(GAP), ...rows.map(render)].join('\n');
}

export interface TableOptions {
  /** Total width to fit (default: terminalWidth()). */
  width?: number;
  /** Leading columns repeated in every part when a wide grid is split (default 1: the row's name). */
  keep?: number;
  /**
   * How much each column matters (higher is kept longer). Given, a table too wide even with its widest column
   * wrapped drops its least important columns (the rightmost first among equals) until it fits, and says
   * which under it; never stacked. Lists of things (files, runs) have them; grids of numbers do not.
   */
  priority?: readonly number[];
}

/** The line under a table that left columns out to fit the screen (a wider one, or the command's files, has them). */
export const droppedNote = (names: string[], width: number) =>
  `(left out to fit ${width} columns: ${names.join(', ')})`;

/**
 * A table of `header` and `rows` within `width` columns: as is when it fits; else its widest column
 * wrapped when that is enough (free text); else, given a `priority`, without its least important columns
 * (named under it); else split into stacked tables, each repeating the first `keep` columns (grids of
 * numbers such as Table 4, whose columns all matter alike).
 */
export function table(header: string[], rows: string[][], options: TableOptions = {}): string {
  const width = options.width ?? terminalWidth();
  const keep = options.keep ?? 1;
  const natural = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const fitted = fitOrWrap(header, rows, natural, width, keep);
  if (fitted !== undefined) return fitted;
  if (options.priority) return dropToFit(header, rows, natural, width, options.priority);
  // Split the columns after `keep` into parts that fit beside the kept ones.
  const kept = natural.slice(0, keep);
  const parts: number[][] = [];
  let part: number[] = [];
  for (let i = keep; i < header.length; i++) {
    if (part.length && total([...kept, ...part.map((j) => natural[j]), natural[i]]) > width) {
      parts.push(part);
      part = [];
    }
    part.push(i);
  }
  if (part.length) parts.push(part);
  // As many parts as needed, of even size where they still fit (no lone last column).
  const per = Math.ceil((header.length - keep) / parts.length);
  const even = Array.from({ length: parts.length }, (_, p) =>
    Array.from({ length: per }, (_, j) => keep + p * per + j).filter((i) => i < header.length),
  ).filter((p) => p.length);
  const fits = even.every((p) => total([...kept, ...p.map((j) => natural[j])]) <= width);
  return (fits ? even : parts)
    .map((cols) => {
      const idx = [...kept.map((_, i) => i), ...cols];
      const pick = (r: string[]) => idx.map((i) => r[i] ?? '');
      const ws = idx.map((i) => natural[i]);
      // A column wider than the screen even alone (free text beside kept ones) still wraps.
      const over = total(ws) - width;
      if (over > 0) ws[ws.length - 1] = Math.max(8, ws[ws.length - 1] - over);
      return layout(pick(header), rows.map(pick), ws);
    })
    .join('\n\n');
}
