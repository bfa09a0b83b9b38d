// CCA: clinical code assignment — the MedDRA preferred terms a note mentions (not negated ones).
import { listTask } from '../src/tasks/list-task.js';
import { normalizeId, unescapeNewlines } from '../src/tasks/prompt.js';
import { readPythonList, toPythonList } from '../src/tasks/lists.js';
import { candidateList } from '../src/tasks/candidates.js';
import type { Release } from '../src/release/release.js';
import { DEFAULT_LABELS, LABEL_FILES, LABEL_VERSIONS, type LabelVersion } from '../src/release/views.js';

const FOLDER = 'CLR/CCA';

/**
 * The documents under a label version: `paper` reads data_old.csv (the gold the paper's generations embed),
 * `reviewed` data.csv. The prompt's options are that version's gold names (404 and 373), so a live run sends
 * the list of the version it is scored on. Same 200 documents and texts in both files.
 */
function loadDocuments(release: Release, labels: LabelVersion = DEFAULT_LABELS) {
  const rows = release.csv(FOLDER, LABEL_FILES[labels].file);
  const golds = rows.map((r) => readPythonList(r.medra_list));
  const options = candidateList(golds);
  return rows.map((r, i) => {
    const text = unescapeNewlines(r.text); // the files store line breaks as `\n`
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
  labelVersions: LABEL_VERSIONS,
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
