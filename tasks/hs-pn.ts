// HS-PN: write a discharge summary's course and status sections from a stay's progress notes.
import { normalizeId } from '../src/tasks/prompt.js';
import { rougeTask } from '../src/tasks/rouge-task.js';
import { lead } from '../src/tasks/baselines.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLG/HS_PN';

interface Case {
  case_id: string;
  notes: string[];
  summary: string;
}

/** The cases of `file`: the paper's set (dataset_paper.json, 20 cases) or the release's (data_release_full.json, 95; the first 20 the same). */
const casesOf = (file: string) => (release: Release) =>
  (release.json(FOLDER, file) as Case[]).map((c) => {
    // Numbered as in the one-shot template's example input.
    const notes = c.notes.map((n, i) => `プログレスノート${i + 1}：\n${n}`).join('\n\n');
    return { id: normalizeId(c.case_id), text: notes, fields: { notes }, gold: c.summary };
  });

export default rougeTask({
  id: 'hs-pn',
  label: 'HS-PN',
  title: 'Hospitalization summary from progress notes',
  folder: FOLDER,
  oneShotExamples: ['01_118B49-50_高Ca血症'],
  loadDocuments: casesOf('dataset_paper.json'),
  allDocuments: casesOf('data_release_full.json'),
  documentRule: "the paper's 20 cases (dataset_paper.json)",
  baseline: (doc, pool) => lead(doc, doc.text, pool, (d) => d.gold),
  textField: 'notes',
  generationId: (row) => normalizeId(row.id),
});
