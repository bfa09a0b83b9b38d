// CTS: rewrite a clinical text (progress note, case report, radiology report) for lay readers.
import { normalizeId } from '../src/tasks/prompt.js';
import { rougeTask } from '../src/tasks/rouge-task.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLG/CTS';

function loadDocuments(release: Release) {
  const pn = release
    .csv(FOLDER, 'PN_simplification.csv')
    .map((r) => ({ id: r.filename, text: r.text, gold: r.simplified_text }));
  const other = ['CR_simplification.csv', 'RR_simplification.csv'].flatMap((f) =>
    release.csv(FOLDER, f).map((r) => ({ id: r.file_id, text: r.input_text, gold: r.simplified_text })),
  );
  return [...pn, ...other].map((d) => ({
    id: normalizeId(d.id),
    text: d.text,
    fields: { notes: d.text },
    gold: d.gold,
  }));
}

export default rougeTask({
  id: 'cts',
  label: 'CTS',
  title: 'Clinical text simplification',
  folder: FOLDER,
  // One example per kind of text (PN, CR, RR): the release's one-shot files leave out these three.
  oneShotExamples: ['01_118B49-50_高Ca血症_p1.txt', 'JP0217-100', 'case_01_dr_01_ja'],
  loadDocuments,
  // Baseline: the text unchanged (simplification keeps most of it).
  baseline: (doc) => doc.text,
  textField: 'notes',
  generationId: (row) => normalizeId(row.id),
});
