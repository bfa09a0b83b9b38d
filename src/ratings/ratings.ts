// Human ratings of generated texts, the paper's Table 6 criteria on 1–5 scales, and their agreement.
import { createHash } from 'node:crypto';
import { krippendorffOrdinal } from '../metrics/krippendorff.js';
import type { Store } from '../store/store.js';

export const CRITERIA = ['consistency', 'saliency', 'fluency'] as const;
export type Criterion = (typeof CRITERIA)[number];

/** The settings whose outputs are free text, and so are rated. */
export const RATED_TASKS = ['hs-pn', 'hs-ds', 'irs', 'cts'];

/** The criteria as the paper's human evaluation defines them (Table 6). */
export const DEFINITIONS: Record<Criterion, string> = {
  consistency: 'Consistency: the summary states only facts found in the source, without contradictions or additions.',
  saliency:
    'Saliency: the summary keeps the information that matters for the reader (diagnosis, treatment, course, status).',
  fluency: 'Fluency: the summary reads as natural, grammatical Japanese clinical writing.',
};

/** What was rated: an output of a model for a document (its text hashed: a model can be run again). */
export interface RatedOutput {
  task: string;
  model: string;
  doc: string;
  hash: string;
}

export const outputHash = (output: string) => createHash('sha256').update(output).digest('hex').slice(0, 16);

export interface RatingRow {
  /** A model, or `all`. */
  group: string;
  task: string;
  n: number;
  means: Record<Criterion, number | null>;
}

export interface RatingsReport {
  rows: RatingRow[];
  /** Krippendorff's alpha (ordinal) per criterion, over outputs rated by two raters or more. */
  alpha: Record<Criterion, number | null>;
  /** Outputs with two raters or more. */
  shared: number;
}

export async function ratingsReport(store: Store, task: string | undefined, byModel: boolean): Promise<RatingsReport> {
  const all = await store.ratings(task);
  const groups = new Map<string, typeof all>();
  for (const r of all) {
    const key = `${byModel ? r.model : 'all'}\u0000${r.task}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const rows = [...groups].map(([key, rs]) => {
    const [group, t] = key.split('\u0000');
    return {
      group,
      task: t,
      n: rs.length,
      means: Object.fromEntries(CRITERIA.map((c) => [c, mean(rs.map((r) => r[c]))])) as RatingRow['means'],
    };
  });
  const units = new Map<string, typeof all>();
  for (const r of all) {
    const key = [r.task, r.model, r.doc_id, r.output_hash].join('\u0000');
    (units.get(key) ?? units.set(key, []).get(key)!).push(r);
  }
  const alpha = Object.fromEntries(
    CRITERIA.map((c) => [
      c,
      krippendorffOrdinal([...units.values()].map((u) => u.flatMap((r) => (r[c] === null ? [] : [r[c]!])))),
    ]),
  ) as RatingsReport['alpha'];
  return {
    rows: rows.sort((a, b) => a.task.localeCompare(b.task) || a.group.localeCompare(b.group)),
    alpha,
    shared: [...units.values()].filter((u) => u.length >= 2).length,
  };
}
