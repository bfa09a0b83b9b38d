// HS-DS: ten doctors each condense ten discharge summaries into a hand-over note, in their own style.
import { normalizeId } from '../src/tasks/prompt.js';
import { rougeTask } from '../src/tasks/rouge-task.js';
import { lead } from '../src/tasks/baselines.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLG/HS_DS';
// The one-shot template embeds discharge summary 1; its example answer is the same doctor's note.
const EXAMPLE_DS = '1';

function persona(d: Record<string, string>): string {
  return [
    `年代: ${d.age_group}`,
    `性別: ${d.gender}`,
    `専門: ${d.specialty}`,
    `経験年数: ${d.years_of_experience}`,
    `勤務先の病床数: ${d.hospital_bed_count}`,
  ].join('\n');
}

function loadDocuments(release: Release) {
  const summaries = release.csv(FOLDER, 'data_ds.csv');
  const doctors = new Map(release.csv(FOLDER, 'data_doctor.csv').map((d) => [d.doctor_id, d]));
  const notes = release.csv(FOLDER, 'data_summary.csv');
  const exampleOf = new Map(notes.filter((n) => n.ds_id === EXAMPLE_DS).map((n) => [n.doctor_id, n.summary]));
  return notes.map((n) => {
    const summary = summaries.find((s) => s.ds_id === n.ds_id)?.text ?? '';
    return {
      id: `${n.ds_id}_${n.doctor_id}`,
      text: summary,
      fields: {
        persona: doctors.has(n.doctor_id) ? persona(doctors.get(n.doctor_id)!) : n.doctor_id,
        d_summary: summary,
        example_res: exampleOf.get(n.doctor_id) ?? '',
      },
      gold: n.summary,
    };
  });
}

export default rougeTask({
  id: 'hs-ds',
  label: 'HS-DS',
  title: 'Hand-over note from a discharge summary',
  folder: FOLDER,
  oneShotExamples: 'ABCDEFGHIJ'.split('').map((d) => `${EXAMPLE_DS}_${d}`),
  loadDocuments,
  baseline: (doc, pool) => lead(doc, doc.text, pool, (d) => d.gold),
  // gpt files name rows `2_A`; the open models' files carry ds_id and doctor_id apart.
  generationId: (row) => normalizeId(row.id ?? `${row.ds_id}_${row.doctor_id}`),
});
