// A hospital's data files as its tools save them (README "Your own tasks"): every reader (CSV, JSON lines, a JSON
// array) × every encoding Excel and export tools write (UTF-8 with and without a BOM, UTF-16 LE with and without
// one, UTF-16 BE, Shift_JIS, CP932) × every line end reads the same rows, text unchanged; what is none of them, a
// row that is not an object, and a row without an id are refused in one line. Silent mojibake was scored before.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readCsv, readJsonRows, type Row } from '../src/release/files.js';
import { loadTaskFile, problemLine } from '../src/tasks/task-file/load.js';

/** Notes a ward writes: kana, kanji, CP932's own ① and ～, a full-width digit, a comma and a quote inside. */
const ROWS = [
  { id: '001', note: '胸痛あり、冷汗著明。', urgency: 'urgent' },
  { id: '002', note: '①咳が３日続く～夜間に増悪', urgency: 'routine' },
  { id: '003', note: '発熱38.5度, "倦怠感"', urgency: 'soon' },
];

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const READERS: Record<
  string,
  { ext: string; write: (rows: Row[], eol: string) => string; read: (f: string) => Row[] }
> = {
  csv: {
    ext: 'csv',
    write: (rows, eol) =>
      ['id,note,urgency', ...rows.map((r) => Object.values(r).map(String).map(csvField).join(','))].join(eol) + eol,
    read: readCsv,
  },
  'tab-separated (Excel "Unicode text")': {
    ext: 'csv',
    write: (rows, eol) =>
      ['id\tnote\turgency', ...rows.map((r) => Object.values(r).map(String).map(csvField).join('\t'))].join(eol) + eol,
    read: readCsv,
  },
  jsonl: { ext: 'jsonl', write: (rows, eol) => rows.map((r) => JSON.stringify(r)).join(eol) + eol, read: readJsonRows },
  'json array': {
    ext: 'json',
    write: (rows, eol) => `[${eol}${rows.map((r) => JSON.stringify(r)).join(`,${eol}`)}${eol}]`,
    read: readJsonRows,
  },
};

const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
/** Each encoding by how a file in it is made: Node's own encoders, and a Shift_JIS table for the CP932 ones. */
const ENCODINGS: Record<string, (text: string) => Buffer> = {
  'utf-8': (t) => Buffer.from(t, 'utf8'),
  'utf-8 with a BOM': (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
  'utf-16le with a BOM (Excel "Unicode text")': (t) =>
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
  'utf-16le without a BOM': (t) => Buffer.from(t, 'utf16le'),
  'utf-16be with a BOM': (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(t)]),
  'shift_jis (cp932, Excel CSV in Japan)': (t) => encodeCp932(t),
};

/** CP932 bytes of `text`, by the inverse of the WHATWG decoder's own table (no encoder ships with Node). */
function encodeCp932(text: string): Buffer {
  const decoder = new TextDecoder('shift_jis');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfc; lead++)
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      const ch = decoder.decode(Uint8Array.from([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  return Buffer.from(
    [...text].flatMap((ch) => {
      if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no CP932 code for ${ch}`);
      return bytes;
    }),
  );
}

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'jcb-encodings-'));

describe('every reader reads every encoding a hospital export is saved in, text unchanged', () => {
  const cases = Object.entries(READERS).flatMap(([reader, r]) =>
    Object.entries(ENCODINGS).flatMap(([encoding, encode]) =>
      ['\n', '\r\n'].map((eol) => ({ name: `${reader} in ${encoding}, ${JSON.stringify(eol)}`, r, encode, eol })),
    ),
  );
  it.each(cases)('$name', ({ r, encode, eol }) => {
    const file = path.join(dir(), `data.${r.ext}`);
    writeFileSync(file, encode(r.write(ROWS, eol)));
    expect(r.read(file)).toEqual(ROWS);
  });

  it.each(Object.entries(READERS))(
    '%s: bytes of no such encoding are refused in one line, never read as mojibake',
    (_, r) => {
      const file = path.join(dir(), `data.${r.ext}`);
      // 0x82 0xA0 is あ in Shift_JIS; 0xFF 0xFF is not a character in any of them.
      writeFileSync(file, Buffer.concat([Buffer.from(r.write(ROWS, '\n')), Buffer.from([0x82, 0xa0, 0xff, 0xff])]));
      expect(() => r.read(file)).toThrow(/^\S+ is neither UTF-8, UTF-16 nor Shift_JIS text\.$/);
    },
  );
});

describe('CSV as Excel saves it', () => {
  it('UTF-16 LE without a BOM in Japanese alone (no ASCII but its commas and line ends) is read, not called binary', () => {
    const file = path.join(dir(), 'data.csv');
    writeFileSync(file, Buffer.from('患者番号,記録,緊急度\n一,胸痛あり冷汗著明,緊急\n', 'utf16le'));
    expect(readCsv(file)).toEqual([{ 患者番号: '一', 記録: '胸痛あり冷汗著明', 緊急度: '緊急' }]);
  });

  it('header names are read without the blanks around them, and rows of empty cells are left out', () => {
    const file = path.join(dir(), 'data.csv');
    writeFileSync(file, 'id , note,  urgency \n001,胸痛,urgent\n,,\n002,咳,routine\n , ,\n,,\n');
    expect(readCsv(file)).toEqual([
      { id: '001', note: '胸痛', urgency: 'urgent' },
      { id: '002', note: '咳', urgency: 'routine' },
    ]);
  });
});

/** A task file over `data` (written as `file`), loaded as jcb loads it; its problem lines. */
function problemsOf(file: string, data: string, spec: Record<string, unknown> = {}): string[] {
  const d = dir();
  writeFileSync(path.join(d, file), data);
  const yml = path.join(d, 'task.yml');
  writeFileSync(
    yml,
    stringify({
      id: 'enc-check',
      title: 'Triage',
      data: { file, id: 'id', input: 'note', gold: 'urgency' },
      prompts: { zero: '{{note}}' },
      answer: { kind: 'label', reader: 'label', labels: ['urgent', 'soon', 'routine'] },
      metrics: ['accuracy'],
      ...spec,
    }),
  );
  return loadTaskFile({ file: yml, source: 'task file' }, process.env, new Set()).problems.map((p) => problemLine(p));
}

describe('rows a task file cannot use are one problem line, never an unexpected error', () => {
  const jsonl = ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n';
  it.each([
    ['a JSON line that is null', 'data.jsonl', `${jsonl}null\n`, /data\.jsonl:4 is null, not an object of columns/],
    ['a JSON line that is an array', 'data.jsonl', `${jsonl}[1, 2]\n`, /data\.jsonl:4 is an array, not an object/],
    ['a JSON line that is a string', 'data.jsonl', `${jsonl}"x"\n`, /data\.jsonl:4 is a string, not an object/],
    [
      'an array element that is a number',
      'data.json',
      JSON.stringify([...ROWS, 7]),
      /element 4 of the array is a number/,
    ],
    [
      'a CSV row with an empty id',
      'data.csv',
      'id,note,urgency\n001,胸痛,urgent\n,咳,routine\n',
      /data\.id: row 2 has no id/,
    ],
    [
      'a JSON row without an id',
      'data.jsonl',
      `${jsonl}{"note": "咳", "urgency": "soon"}\n`,
      /data\.id: row 4 has no id/,
    ],
  ])('%s', (_, file, data, message) => {
    const lines = problemsOf(file, data);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).not.toMatch(/\n|at .*\.js|unexpected/);
  });
});

describe('a gold list separated otherwise than by commas is a problem, not one item scored silently', () => {
  const listTask = {
    data: { file: 'data.csv', id: 'id', input: 'note', gold: 'findings' },
    answer: { kind: 'list', reader: 'string-list' },
    metrics: ['set-f1'],
  };
  const csvOf = (gold: string) => `id,note,findings\n001,胸痛,${csvField('胸痛')}\n002,冷汗と胸痛,${csvField(gold)}\n`;
  it.each(['、', '，', '；', ';', '・', '\n', '\r\n'])('items separated by %j', (sep) => {
    const lines = problemsOf('data.csv', csvOf(['めまい', '嘔気'].join(sep)), listTask);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/data\.gold: row 2 has a gold holding .*, which would be read as one item.*JSON array/);
    expect(lines[0]).not.toContain('めまい'); // the gold is never echoed
  });
  it.each(['冷汗, 胸痛', '["冷汗、胸痛"]', "['冷汗・胸痛', '発熱']", '冷汗'])('%s is read as written', (gold) => {
    expect(problemsOf('data.csv', csvOf(gold), listTask)).toEqual([]);
  });
});

describe('a JSON object holding the rows is refused in one line saying what a data file must be', () => {
  // Shapes tools export: the rows under one key (with or without other members), keyed by id, one row pretty-printed.
  const shapes: [string, unknown, string | undefined][] = [
    ['the rows under one key', { rows: ROWS }, 'rows'],
    ['the rows under one key beside other members', { data: ROWS, meta: { exported: '2026-12-01' }, count: 3 }, 'data'],
    ['rows keyed by id', Object.fromEntries(ROWS.map((r) => [r.id, r])), undefined],
    ['two arrays of rows', { train: ROWS, test: ROWS }, undefined],
    ['one row over several lines', ROWS[0], undefined],
  ];
  for (const [what, value, key] of shapes)
    for (const file of ['data.json', 'data.jsonl'])
      for (const [layout, text] of [
        ['on one line', JSON.stringify(value)],
        ['pretty-printed', JSON.stringify(value, null, 2)],
      ] as const) {
        if (what === 'one row over several lines' && layout === 'on one line') continue;
        it(`${what}, ${layout}, as ${file}`, () => {
          const lines = problemsOf(file, text + '\n');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toContain(
            `${file} is one JSON object; a data file must be a JSON array of objects or JSON lines (an object a line)`,
          );
          if (key) expect(lines[0]).toContain(`it holds an array under "${key}": save that array alone.`);
          else expect(lines[0]).not.toContain('it holds an array');
        });
      }

  it('a JSON lines file of one row is still that row', () => {
    expect(problemsOf('data.jsonl', `${JSON.stringify(ROWS[0])}\n`)).toEqual([]);
    expect(readJsonRows(writeTo('one.jsonl', JSON.stringify(ROWS[0])))).toEqual([ROWS[0]]);
  });
});

function writeTo(name: string, text: string): string {
  const file = path.join(dir(), name);
  writeFileSync(file, text);
  return file;
}

describe('a CSV row with another number of cells than the header is one line of ours naming the row', () => {
  const good = ROWS.map((r) => [r.id, csvField(r.note), r.urgency]);
  for (const sep of [',', '\t'])
    for (const [what, cells] of [
      ['one cell too many (an unquoted comma)', ['004', '胸痛', '冷汗', 'urgent']],
      ['one cell too few', ['004', 'urgent']],
    ] as const)
      for (const at of [0, 3]) {
        const rows = good.map((r) => r.join(sep));
        rows.splice(at, 0, cells.join(sep));
        it(`${what}, as row ${at + 1}, ${sep === ',' ? 'CSV' : 'TSV'}`, () => {
          const lines = problemsOf('data.csv', `id${sep}note${sep}urgency\n${rows.join('\n')}\n`);
          expect(lines).toHaveLength(1);
          expect(lines[0]).toContain(
            `data.csv: row ${at + 1} (line ${at + 2}) has ${cells.length} cells, the header 3; a cell holding ${sep === ',' ? 'a comma' : 'a tab'} or a line break must be in double quotes.`,
          );
          expect(lines[0]).not.toMatch(/Invalid Record Length|胸痛|冷汗/);
        });
      }

  it('a quoted cell never closed is one line', () => {
    const lines = problemsOf('data.csv', 'id,note,urgency\n001,"胸痛,urgent\n002,咳,routine\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('data.csv: a double quote opens a cell that is never closed (the file ends inside it).');
  });
});

describe('a gold label typed in full width is the label, as outputs are read after NFKC', () => {
  const full = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const labels = ['urgent', 'soon', 'routine'];
  for (const label of labels)
    for (const [what, written] of [
      ['full width', full(label)],
      ['full width with blanks', `　${full(label)} `],
    ])
      it(`${label} in ${what}`, () => {
        const d = dir();
        writeFileSync(path.join(d, 'data.csv'), `id,note,urgency\n001,胸痛,${written}\n002,咳,soon\n`);
        const yml = path.join(d, 'task.yml');
        writeFileSync(
          yml,
          stringify({
            id: 'wide-gold',
            title: 'Triage',
            data: { file: 'data.csv', id: 'id', input: 'note', gold: 'urgency' },
            prompts: { zero: '{{note}}' },
            answer: { kind: 'label', reader: 'label', labels },
            metrics: ['accuracy'],
          }),
        );
        const { task, problems } = loadTaskFile({ file: yml, source: 'task file' }, process.env, new Set());
        expect(problems.map((p) => problemLine(p))).toEqual([]);
        expect(task!.loadDocuments(undefined as never).map((doc) => doc.gold)).toEqual([label, 'soon']);
      });

  it('a gold that is no label in any width is still refused', () => {
    expect(problemsOf('data.csv', `id,note,urgency\n001,胸痛,${full('urgentt')}\n`)[0]).toMatch(
      /data\.gold: row 1 has gold ".*", not one of urgent, soon, routine/,
    );
  });
});

/** ISO-2022-JP bytes of `text` (JIS X 0208 only), from the WHATWG EUC-JP decoder's table: JIS = EUC-JP − 0x80. */
function encodeIso2022jp(text: string): Buffer {
  const decoder = new TextDecoder('euc-jp');
  const table = new Map<string, number[]>();
  for (let a = 0xa1; a <= 0xfe; a++)
    for (let b = 0xa1; b <= 0xfe; b++) {
      const ch = decoder.decode(Uint8Array.from([a, b]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [a - 0x80, b - 0x80]);
    }
  const out: number[] = [];
  let kanji = false;
  for (const ch of text) {
    const jis = table.get(ch);
    if (jis && !kanji) out.push(0x1b, 0x24, 0x42);
    if (!jis && kanji) out.push(0x1b, 0x28, 0x42);
    kanji = Boolean(jis);
    out.push(...(jis ?? [ch.charCodeAt(0)]));
  }
  if (kanji) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

describe('ISO-2022-JP (JIS, 7-bit: valid UTF-8 bytes too) is read as Japanese, not as mojibake with raw ESCs', () => {
  const rows: Row[] = [
    { id: 't1', note: '発熱あり、咳なし', urgency: 'urgent' },
    { id: 't2', note: 'めまい', urgency: 'soon' },
  ];
  it.each(Object.entries(READERS))('%s', (_, r) => {
    const file = path.join(dir(), `data.${r.ext}`);
    writeFileSync(file, encodeIso2022jp(r.write(rows, '\n')));
    expect(r.read(file)).toEqual(rows);
  });
});
