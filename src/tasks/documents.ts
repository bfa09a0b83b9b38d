// Which documents a setting is evaluated on, shared by every provider (replay included) and the engine; and
// the document sets of a live run (issue 22): the paper's protocol by default, or every row of the release.
import { UserError } from '../base/errors.js';
import { seededRandom } from '../metrics/bootstrap.js';
import type { Release } from '../release/release.js';
import type { Shot } from '../release/shots.js';
import type { Document, Task } from './types.js';

/** The documents a shot is evaluated on: one-shot leaves out the template's own example. */
export function evaluationDocuments(task: Task, release: Release, shot: Shot): Document<unknown>[] {
  const docs = task.loadDocuments(release) as Document<unknown>[];
  return shot === 'one' ? docs.filter((d) => !task.oneShotExamples.includes(d.id)) : docs;
}

/**
 * `paper`: the documents of the paper's protocol (the default of a live run); `all`: every row of the release.
 * They differ for NER (the open models' 1,000 rows of 2,584), RE (a seeded sample of 1,000) and HS-PN (the
 * paper's 20 cases of 95); for the other settings both are every document.
 */
export const DOCUMENT_SETS = ['paper', 'all'] as const;
export type DocumentSet = (typeof DOCUMENT_SETS)[number];

/** The RE sample: `RE_SAMPLE.size` rows drawn with mulberry32 seeded `RE_SAMPLE.seed` (jcb's own: see sampleOf). */
export const RE_SAMPLE = { seed: 22, size: 1000 } as const;

/** Whether the setting's two document sets differ (the only settings where `--documents all` is marked). */
export const setsDiffer = (task: Task): boolean => Boolean(task.paperDocuments || task.allDocuments);

/**
 * The set a stored run's setting rests on. A run stored before document sets (`stored` null) took
 * loadDocuments' rows: every row of NER and RE (`all`), the paper's 20 HS-PN cases (`paper`). Where the sets
 * do not differ, it is `paper` whatever was asked.
 */
export function documentSetOf(task: Task, stored: string | null | undefined): DocumentSet {
  if (!setsDiffer(task)) return 'paper';
  if (stored === 'paper' || stored === 'all') return stored;
  return task.paperDocuments ? 'all' : 'paper';
}

/**
 * The documents of `set` for a shot, in a fixed order. One-shot leaves out the template's example in both.
 * `stored` null (a run from before document sets) gives the rows it was planned on (documentSetOf).
 * @throws UserError when the release lacks what the protocol is rebuilt from (NER: the open models' rows).
 */
export function documentsOf(
  task: Task,
  release: Release,
  shot: Shot,
  set: DocumentSet | null = 'paper',
): Document<unknown>[] {
  const chosen = documentSetOf(task, set);
  const docs =
    chosen === 'all' && task.allDocuments
      ? (task.allDocuments(release) as Document<unknown>[])
      : (task.loadDocuments(release) as Document<unknown>[]);
  const asked = shot === 'one' ? docs.filter((d) => !task.oneShotExamples.includes(d.id)) : docs;
  return chosen === 'paper' && task.paperDocuments
    ? (task.paperDocuments(asked, release, shot) as Document<unknown>[])
    : asked;
}

/**
 * `size` documents drawn without replacement by a partial Fisher–Yates shuffle under mulberry32 (`seed`),
 * kept in their given order: the same on every machine for the same rows. All of them when there are fewer.
 */
export function sampleOf<D>(docs: readonly D[], size: number, seed: number): D[] {
  if (docs.length <= size) return [...docs];
  const random = seededRandom(seed);
  const order = docs.map((_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order
    .slice(0, size)
    .sort((a, b) => a - b)
    .map((i) => docs[i]);
}

/**
 * The RE protocol: a seeded sample of 1,000 rows of rel_data.json, drawn from the rows other than the one-shot
 * example whatever the shot (so one- and zero-shot runs share it). The paper's own RE rows cannot be rebuilt
 * (almost every sampled sentence occurs several times), and its two model groups were scored on different
 * samples: this one is jcb's.
 */
export function relationSample<G>(docs: readonly Document<G>[], oneShotExamples: readonly string[]): Document<G>[] {
  return sampleOf(
    docs.filter((d) => !oneShotExamples.includes(d.id)),
    RE_SAMPLE.size,
    RE_SAMPLE.seed,
  );
}

/**
 * The release folders of the paper's five open models, which were scored on one NER sample (GPT-4o and GPT-5 on
 * another of 1,001 rows): its rows carry the release's `ID` and their sentence and gold, so it is rebuilt exactly.
 */
export const OPEN_MODEL_DIRS = [
  'Meta-Llama-3-70B-Instruct',
  'Llama-3-Swallow-70B-Instruct-v0.1',
  'Llama3-Preferred-MedSwallow-70B',
  'llm-jp-3-8x13b-instruct3',
  'SIP-jmed-llm-2-8x13b-OP-instruct',
] as const;

/**
 * The NER protocol: the documents of the open models' released rows for the shot (the first of OPEN_MODEL_DIRS
 * that has the file; the five are the same rows), each with the sentence and gold its row carries.
 * @throws UserError when the release has none of their files.
 */
export function openModelRows(task: Task, release: Release, shot: Shot): Document<unknown>[] {
  const files = release.generationFiles().filter((f) => f.folder === task.folder && f.name === `${shot}_shot`);
  const file = OPEN_MODEL_DIRS.map((dir) => files.find((f) => f.modelDir === dir)).find(Boolean);
  if (!file)
    throw new UserError(
      `The release has no ${shot}-shot ${task.id} rows of the paper's open models, which its documents are rebuilt from.`,
      'Use --documents all (every row of the release).',
    );
  return release.generationRows(file.path).flatMap((row) => {
    const document = task.fromGeneration(row).document;
    return document ? [document as Document<unknown>] : [];
  });
}
