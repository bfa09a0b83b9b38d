// Every name a hospital's file gives (a data file's column names and JSON keys; a task file's columns, labels,
// placeholders, reader, metrics, answer kind) is compared after one rule (nameAsRead: NFKC, blanks around it
// dropped), as full-width gold labels are. Generated over every reader × how the data file writes its names ×
// how the task file writes them: each loads the same documents as the plain file, prompts and gold unchanged.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { nameAsRead, readCsv, readJsonRows } from '../src/release/files.js';
import { loadTaskFile, problemLine } from '../src/tasks/task-file/load.js';
import { FIXTURES } from './helpers.js';

const OWN = path.join(FIXTURES, 'task-files', 'own');
const [header, ...lines] = readFileSync(path.join(OWN, 'triage.csv'), 'utf8').trim().split('\n');
const COLUMNS = header.split(',');
const ROWS = lines.map((l) => l.split(','));

/** How a name is written: as is, in full width (ASCII → U+FF01–FF5E), or with blanks (U+3000, a space) around it. */
const WRITTEN: Record<string, (name: string) => string> = {
  'half width': (n) => n,
  'full width': (n) => n.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  'surrounding blanks': (n) => `\u3000${n} `,
  'upper case': (n) => n.toUpperCase(),
  'full-width upper case': (n) =>
    n.toUpperCase().replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
};

/** Each reader by how a file of it is written with the header names `names`. */
const READERS: Record<string, { ext: string; write: (names: string[]) => string }> = {
  csv: { ext: 'csv', write: (names) => [names.join(','), ...ROWS.map((r) => r.join(','))].join('\n') + '\n' },
  'tab-separated': {
    ext: 'csv',
    write: (names) => [names.join('\t'), ...ROWS.map((r) => r.join('\t'))].join('\n') + '\n',
  },
  jsonl: {
    ext: 'jsonl',
    write: (names) => ROWS.map((r) => JSON.stringify(Object.fromEntries(names.map((n, i) => [n, r[i]])))).join('\n'),
  },
  'json array': {
    ext: 'json',
    write: (names) => JSON.stringify(ROWS.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])))),
  },
};

/** Names other than columns (labels, kind, reader, metrics) where `write` changes case: written in its width only. */
const CASELESS: Record<string, string> = { 'upper case': 'half width', 'full-width upper case': 'full width' };

/** The triage task file with every name it gives written as `written` says (its id in full width but for half width). */
function taskFile(file: string, written: string): string {
  const write = WRITTEN[written];
  const other = WRITTEN[CASELESS[written] ?? written];
  const spec = parse(readFileSync(path.join(OWN, 'triage.yml'), 'utf8'));
  spec.data = { file, id: write('id'), input: write('note'), gold: write('urgency') };
  spec.prompts.zero = spec.prompts.zero.replace('{{note}}', `{{${write('note')}}}`);
  spec.prompts.one = spec.prompts.one.replace('{{note}}', `{{ ${write('note')} }}`);
  spec.answer = { kind: other('label'), reader: other('label'), labels: spec.answer.labels.map(other) };
  spec.metrics = spec.metrics.map(other);
  if (written !== 'half width') spec.id = WRITTEN['full width'](spec.id);
  return stringify(spec);
}

function load(reader: string, inData: string, inTask: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-names-'));
  const r = READERS[reader];
  writeFileSync(path.join(dir, `triage.${r.ext}`), r.write(COLUMNS.map(WRITTEN[inData])));
  writeFileSync(path.join(dir, 'triage.yml'), taskFile(`triage.${r.ext}`, inTask));
  return loadTaskFile({ file: path.join(dir, 'triage.yml'), source: 'task file' }, process.env, new Set());
}

/** What a run reads of the task: each document's id, gold and prompts. */
function read(loaded: ReturnType<typeof loadTaskFile>) {
  expect(loaded.problems.map((p) => problemLine(p))).toEqual([]);
  const task = loaded.task!;
  return task
    .loadDocuments(undefined as never)
    .map((d) => ({ id: d.id, gold: d.gold, zero: task.prompt!(d, 'zero'), one: task.prompt!(d, 'one') }));
}

describe('names written in full width or with blanks around them are the names they read as', () => {
  const plain = read(load('csv', 'half width', 'half width'));
  const cases = Object.keys(READERS).flatMap((reader) =>
    Object.keys(WRITTEN).flatMap((inData) => Object.keys(WRITTEN).map((inTask) => [reader, inData, inTask])),
  );
  it.each(cases)('%s reader, the data file in %s, the task file in %s', (reader, inData, inTask) => {
    expect(read(load(reader, inData, inTask))).toEqual(plain);
  });

  it('a name matching two columns ignoring case is refused, naming both', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-names-'));
    writeFileSync(path.join(dir, 'triage.csv'), 'Id,ID,note,urgency\nt1,t1,胸痛,urgent\n');
    writeFileSync(path.join(dir, 'triage.yml'), taskFile('triage.csv', 'half width'));
    const loaded = loadTaskFile({ file: path.join(dir, 'triage.yml'), source: 'task file' }, process.env, new Set());
    expect(loaded.problems.map((p) => `${p.key}: ${p.message}`)).toContain(
      'data.id: "id" names the columns "Id" and "ID" ignoring case; write one of them exactly',
    );
  });

  it.each(Object.entries(READERS))('the %s reader gives each name as read', (_, r) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-names-')), `data.${r.ext}`);
    writeFileSync(file, r.write(COLUMNS.map(WRITTEN['full width']).map(WRITTEN['surrounding blanks'])));
    const rows = r.ext === 'csv' ? readCsv(file) : readJsonRows(file);
    expect(Object.keys(rows[0])).toEqual(COLUMNS.map(nameAsRead));
  });
});
