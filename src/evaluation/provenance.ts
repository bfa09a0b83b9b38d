// Where a number comes from (issue 22): the gold labels it was scored on, the documents it rests on and the
// release it read. Carried with every stored run's number in --json, -o files, exports, Slack threads, digests.
import { loadManifest } from '../release/manifest.js';
import type { Run } from '../store/store.js';
import { documentSetOf } from '../tasks/documents.js';
import type { Task } from '../tasks/types.js';
import { knownTask } from './documents.js';

export interface Provenance {
  /** The gold version scored on (CCA: `paper` or `reviewed`); null for settings without versions. */
  labels: string | null;
  /** The document set (`paper`, `all`) and how many documents the number's run planned for the setting. */
  documents: { set: string; count: number };
  /** The release's commit the run read (its manifest's); null for runs stored before issue 22. */
  releaseCommit: string | null;
}

/** What provenance reads of a run (label_version: the run's column once label versions are stored). */
export type ProvenanceRun = Pick<Run, 'document_set' | 'release_commit'> & { label_version?: string | null };

/**
 * The provenance of a run's number on `task` (an id or the Task), resting on `count` documents (those it
 * planned for the setting: scored and failed). A setting whose sets do not differ is on `paper`.
 */
export function provenanceOf(run: ProvenanceRun, task: Task | string, count: number): Provenance {
  const known = typeof task === 'string' ? knownTask(task) : task;
  return {
    labels: run.label_version ?? null,
    documents: { set: known ? documentSetOf(known, run.document_set) : (run.document_set ?? 'all'), count },
    releaseCommit: run.release_commit ?? null,
  };
}

/** The commit of the release a run reads: its manifest's; null when every task is a task file (no release). */
export function releaseCommitOf(tasks: readonly Task[], env: NodeJS.ProcessEnv = process.env): string | null {
  return tasks.every((t) => t.origin) ? null : loadManifest(env).commit;
}

/** One line, as the faces print it: `labels paper · documents paper (1,000) · release f7ea47a`. */
export function showProvenance(p: Provenance): string {
  const parts = [
    ...(p.labels ? [`labels ${p.labels}`] : []),
    `documents ${p.documents.set} (${p.documents.count.toLocaleString('en-US')})`,
    `release ${p.releaseCommit ? p.releaseCommit.slice(0, 7) : 'not recorded'}`,
  ];
  return parts.join(' · ');
}

/**
 * Several numbers' provenance in one line, each part said once: `documents mr paper (123), re-ent all (5,994) ·
 * release f7ea47a` (labels first where any setting has versions). Empty for no numbers.
 */
export function summarizeProvenance(items: readonly { task: string; provenance?: Provenance | null }[]): string {
  const known = items.filter((i): i is { task: string; provenance: Provenance } => Boolean(i.provenance));
  if (known.length === 0) return '';
  const labels = [...new Set(known.filter((i) => i.provenance.labels).map((i) => `${i.task} ${i.provenance.labels}`))];
  const documents = [
    ...new Set(
      known.map(
        (i) => `${i.task} ${i.provenance.documents.set} (${i.provenance.documents.count.toLocaleString('en-US')})`,
      ),
    ),
  ];
  const commits = [...new Set(known.map((i) => i.provenance.releaseCommit?.slice(0, 7) ?? 'not recorded'))];
  return [
    ...(labels.length ? [`labels ${labels.join(', ')}`] : []),
    `documents ${documents.join(', ')}`,
    `release ${commits.join(', ')}`,
  ].join(' · ');
}
