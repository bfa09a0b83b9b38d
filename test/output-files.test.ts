// The files a spreadsheet or a report reads (`-o x.csv`, `-o x.md`): what Excel needs (a BOM), one header line,
// numbers as numbers, text that could run as a formula made inert, `–` and a caption in Markdown.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { score100, writeOutput, type Cell, type Tabular } from '../src/cli/output.js';
import { boardTable } from '../src/cli/output-tables.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-output-'));
const grid = (rows: Cell[][]): Tabular => ({
  json: rows,
  header: ['model', 'score'],
  rows,
  context: { shot: 'one-shot', release: 'abc' },
});

describe('CSV', () => {
  it('starts with a BOM and one header line; the context leads every row; none is empty', () => {
    const file = path.join(dir, 'a.csv');
    writeOutput(
      file,
      grid([
        ['GPT-4o', score100(0.8)],
        ['llm-jp', score100(null)],
      ]),
    );
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFFshot,release,model,score\n')).toBe(true);
    expect(text.slice(1)).toBe('shot,release,model,score\none-shot,abc,GPT-4o,80.0\none-shot,abc,llm-jp,\n');
  });

  it('makes text that a spreadsheet would run as a formula inert, and keeps numbers (negative too) as numbers', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: -1, max: 1, noNaN: true }), (text, x) => {
        const file = path.join(dir, 'p.csv');
        writeOutput(file, grid([[text, score100(x)]]));
        const [, row] = parse(readFileSync(file, 'utf8'), { bom: true, relax_column_count: true }) as string[][];
        const [, , label, score] = row;
        const number = /^-?\d+(\.\d+)?$/.test(text); // `-3` is a number, not a formula
        expect(!number && /^[=+\-@\t\r]/.test(label)).toBe(false);
        expect(label).toBe(!number && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
        expect(score).toBe((x * 100).toFixed(1));
      }),
      { numRuns: 200 },
    );
    writeOutput(path.join(dir, 'f.csv'), grid([['=HYPERLINK("http://x")', '-12.5']]));
    expect(readFileSync(path.join(dir, 'f.csv'), 'utf8')).toContain(`"'=HYPERLINK(""http://x"")",-12.5`);
  });
});

describe('Markdown', () => {
  it('has a caption naming the context and the date, – for none, one decimal', () => {
    const file = path.join(dir, 'a.md');
    writeOutput(
      file,
      grid([
        ['A|B', score100(0.8)],
        ['C', null],
      ]),
      undefined,
      new Date('2026-12-03T10:00:00Z'),
    );
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '*shot: one-shot · release: abc · written 2026-12-03. – no score.*',
        '',
        '| model | score |',
        '| --- | --- |',
        '| A\\|B | 80.0 |',
        '| C | – |',
        '',
      ].join('\n'),
    );
  });
});

describe('leaderboard -o: what the numbers stand on', () => {
  const columns = [
    { id: 'cca', label: 'CCA' },
    { id: 're-ent', label: 'RE-Ent' },
  ];
  const provenance = (labels: string | null, set: string, count: number) => ({
    labels,
    documents: { set, count },
    releaseCommit: 'f7ea47a3ba39aa',
  });
  it("the paper's board: the CCA labels it is computed under and the paper's documents, as columns", () => {
    const t = boardTable({
      shot: 'one',
      source: 'paper',
      labels: 'reviewed',
      columns,
      rows: [{ model: 'gpt-4o', label: 'GPT-4o', provider: 'replay', cells: [0.452, 0.768] }],
    });
    expect(t.context).toMatchObject({ labels: 'CCA reviewed', documents: "the paper's" });
    expect(t.rows).toEqual([['GPT-4o', '45.2', '76.8']]);
  });
  it("a runs board: each cell's labels, document set and count, said once", () => {
    const t = boardTable({
      shot: 'one',
      source: 'runs',
      labels: 'paper',
      columns,
      rows: [
        {
          model: 'a',
          label: 'a',
          provider: 'openai',
          cells: [0.5, 0.6],
          provenance: [provenance('paper', 'paper', 200), provenance(null, 'all', 5994)],
        },
        {
          model: 'b',
          label: 'b',
          provider: 'openai',
          cells: [0.4, null],
          provenance: [provenance('paper', 'paper', 200), null],
        },
      ],
    });
    expect(t.context.documents).toBe(
      'labels cca paper · documents cca paper (200), re-ent all (5,994) · release f7ea47a',
    );
  });
});
