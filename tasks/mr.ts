// MR: medication recommendation — every drug that may be prescribed for the note's problems.
import { listTask } from '../src/tasks/list-task.js';
import { normalizeId, unescapeNewlines } from '../src/tasks/prompt.js';
import { halfWidthAscii, readPythonList, toPythonList } from '../src/tasks/lists.js';
import { candidateList } from '../src/tasks/candidates.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLR/MR';

function loadDocuments(release: Release) {
  const rows = release.csv(FOLDER, 'data.csv');
  const golds = rows.map((r) => readPythonList(r.medications));
  const options = candidateList(golds);
  return rows.map((r, i) => ({
    id: normalizeId(r.doc_name),
    text: unescapeNewlines(r.text),
    // data.csv stores line breaks as `\n`; the template's own example shows them as real ones.
    fields: { text: unescapeNewlines(r.text), options },
    gold: golds[i],
  }));
}

export default listTask({
  id: 'mr',
  label: 'MR',
  title: 'Medication recommendation',
  folder: FOLDER,
  oneShotExamples: ['20_118F56_高エネルギー外傷.txt'],
  loadDocuments,
  fromGeneration: (row) => ({
    id: normalizeId(row.doc_name),
    gold: readPythonList(row.gold),
    output: String(row.generated ?? ''),
  }),
  toGeneration: (doc, output, gold) => ({ doc_name: doc.id, generated: output, gold: toPythonList(gold) }),
  // Models type drug names with full-width letters and digits (ＯＤ錠); the release matched them as ASCII.
  normalizeItem: halfWidthAscii,
  documentFromText: (text, release) => ({ id: 'text', text, fields: { text, options: loadDocuments(release)[0].fields.options }, gold: [] }),
  keys: { precision: '_precision', recall: 'recall', f1: '_f1', accuracy: '_accuracy' },
});
