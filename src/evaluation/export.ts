// A run written out in the release's own layout, so that `jcb score` re-scores it and others can
// compare it with the paper's files: generated/<group>/<TASK>/<model>/<shot>_shot.json and results/..., and
// beside each results file its provenance (`<shot>_shot.provenance.json`: labels, documents, release commit).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Run, RunDocument, RunScore } from '../store/store.js';
import { aboutTask } from '../tasks/task-file/about.js';
import { isPrivate, PRIVATE_CAPTION } from '../policy/data-policy.js';
import type { Document, Task } from '../tasks/types.js';
import type { Explanation } from '../tasks/explanation.js';
import { provenanceOf } from './provenance.js';

export interface ExportInput {
  run: Run;
  /** Per task: its stored documents and aggregate, and the documents they refer to, by id. */
  tasks: {
    task: Task;
    rows: RunDocument[];
    score: RunScore | undefined;
    documents: Map<string, Document<unknown>>;
    /** Why each document scores what it does, by doc_id (src/tasks/explanation.ts). */
    explanations?: Map<string, Explanation | null>;
  }[];
}

export function exportRun(dir: string, { run, tasks }: ExportInput): string[] {
  const written: string[] = [];
  const file = `${run.shot}_shot.json`;
  for (const { task, rows, score, documents, explanations } of tasks) {
    // Failed documents have no output: left out, as the run's own scores leave them out.
    const generated = rows
      .filter((r) => r.status === 'done')
      .sort((a, b) => a.doc_index - b.doc_index)
      .map((r) => {
        const doc = documents.get(r.doc_id) ?? { id: r.doc_id, text: '', fields: {}, gold: JSON.parse(r.gold!) };
        const row = task.toGeneration(doc, r.incomplete ? '' : (r.output ?? ''), JSON.parse(r.gold!)); // as scored
        // The thinking and the explanation beside the output, under keys of their own that no scorer reads; a
        // private task's rows say so in a column of their own.
        const explanation = explanations?.get(r.doc_id);
        return {
          ...row,
          ...(isPrivate(task) ? { data: PRIVATE_CAPTION } : {}),
          ...(r.thinking === null ? {} : { thinking: r.thinking }),
          ...(explanation ? { explanation } : {}),
        };
      });
    const target = path.join(dir, 'generated', task.folder, run.model, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, JSON.stringify(generated, null, 2));
    written.push(target);
    // A declared task's source and licence travel with its files: a caption beside them (the release's
    // JSON layout has no room for one; `jcb score` reads only the .json files).
    const about = aboutTask(task);
    if (about) {
      const caption = path.join(dir, 'generated', task.folder, 'SOURCE.txt');
      writeFileSync(caption, `${task.id}: ${task.title}\n${about}\n${isPrivate(task) ? `${PRIVATE_CAPTION}\n` : ''}`);
      written.push(caption);
    }
    const results = path.join(dir, 'results', task.folder, run.model, file);
    mkdirSync(path.dirname(results), { recursive: true });
    if (score) {
      writeFileSync(results, JSON.stringify(JSON.parse(score.metrics), null, 4));
      written.push(results);
    }
    // Beside the results (a name `jcb score` never reads): what the numbers rest on.
    const provenance = results.replace(/\.json$/, '.provenance.json');
    const count = score ? score.n + score.failed : rows.length;
    const origin = { run: run.id, task: task.id, ...provenanceOf(run, task, count) };
    // A private task's files all say so (data-policy), this one too, though it holds ids and counts only.
    writeFileSync(provenance, JSON.stringify(isPrivate(task) ? { data: PRIVATE_CAPTION, ...origin } : origin, null, 2));
    written.push(provenance);
  }
  return written;
}
