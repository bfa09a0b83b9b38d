// IRS: a one-line summary of an incident report, from its free comments and the actions taken.
import { normalizeId } from '../src/tasks/prompt.js';
import { rougeTask } from '../src/tasks/rouge-task.js';
import { lead } from '../src/tasks/baselines.js';
import type { Release } from '../src/release/release.js';

const FOLDER = 'CLG/IRS';

function loadDocuments(release: Release) {
  return release.csv(FOLDER, 'data.csv').map((r) => ({
    id: normalizeId(r.id),
    text: `関与者の自由意見・状況補足：\n${r.incident_description}\n\n事故後どのような対応・対策をしたか：\n${r.action_token}`,
    fields: { incident_description: r.incident_description, action_token: r.action_token },
    gold: r.summary,
  }));
}

export default rougeTask({
  id: 'irs',
  label: 'IRS',
  title: 'Incident report summarization',
  folder: FOLDER,
  oneShotExamples: ['1'],
  loadDocuments,
  baseline: (doc, pool) => lead(doc, doc.fields.incident_description, pool, (d) => d.gold),
  generationId: (row) => normalizeId(row.id),
});
