// CCA: clinical code assignment — the MedDRA preferred terms a note mentions (not negated ones).
import { listTask } from '../src/tasks/list-task.js';
import { normalizeId, unescapeNewlines } from '../src/tasks/prompt.js';
import { readPythonList, toPythonList } from '../src/tasks/lists.js';
import { candidateList } from '../src/tasks/candidates.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLR/CCA';

function loadDocuments(release: Release) {
  const rows = release.csv(FOLDER, 'data.csv');
  const golds = rows.map((r) => readPythonList(r.medra_list));
  const options = candidateList(golds);
  return rows.map((r, i) => {
    const text = unescapeNewlines(r.text); // data.csv stores line breaks as `\n`
    return { id: normalizeId(r.doc_name), text, fields: { text, options }, gold: golds[i] };
  });
}

export default listTask({
  id: 'cca',
  label: 'CCA',
  title: 'Clinical code assignment (MedDRA PT)',
  folder: FOLDER,
  // The document the release's one-shot files leave out (the template embeds its example).
  oneShotExamples: ['12_118B35_緊張性気胸_p2'],
  loadDocuments,
  fromGeneration: (row) => ({
    id: normalizeId(row.sheet_name),
    gold: readPythonList(row.gold_medra),
    output: String(row.generated_medra ?? ''),
  }),
  toGeneration: (doc, output, gold) => ({
    sheet_name: doc.id,
    generated_medra: output,
    gold_medra: toPythonList(gold),
  }),
  documentFromText: (text, release) => ({ id: 'text', text, fields: { text, options: loadDocuments(release)[0].fields.options }, gold: [] }),
  keys: { precision: '_precision', recall: 'recall', f1: '_f1' },
});
