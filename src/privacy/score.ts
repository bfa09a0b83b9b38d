// Precision and recall of the detector on an annotated test set (test/fixtures/pii/testset.jsonl),
// per kind and overall, with exact span match and with overlap match (same kind, spans intersect).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { detectPersonalInformation, type Detector } from './detect.js';
import { KINDS, type Finding, type FindingKind } from './kinds.js';

const finding = z.object({
  kind: z.enum(KINDS as [FindingKind, ...FindingKind[]]),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
});
const sentence = z.object({ id: z.string(), text: z.string(), findings: z.array(finding) });
export type AnnotatedSentence = z.infer<typeof sentence>;

export interface KindScore {
  gold: number;
  found: number;
  /** Found findings that match a gold one (each gold matched at most once). */
  matched: number;
  precision: number;
  recall: number;
}
export type Match = 'exact' | 'overlap';

export function readTestSet(file: string): AnnotatedSentence[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => sentence.parse(JSON.parse(l)));
}

const same = (match: Match) => (a: Finding, b: Finding) =>
  a.kind === b.kind &&
  (match === 'exact' ? a.start === b.start && a.end === b.end : a.start < b.end && b.start < a.end);

function score(gold: number, found: number, matched: number): KindScore {
  // No finding and nothing to find is a perfect score, not 0/0.
  return { gold, found, matched, precision: found ? matched / found : 1, recall: gold ? matched / gold : 1 };
}

/** Scores by kind plus `all`, for each match rule. */
export async function scoreDetector(
  sentences: AnnotatedSentence[],
): Promise<Record<Match, Record<FindingKind | 'all', KindScore>>> {
  const counts = { exact: new Map<string, number[]>(), overlap: new Map<string, number[]>() };
  for (const s of sentences) {
    const found = await detectPersonalInformation(s.text);
    for (const match of ['exact', 'overlap'] as const) {
      const eq = same(match);
      const unused = [...s.findings];
      for (const key of [...KINDS, 'all']) if (!counts[match].has(key)) counts[match].set(key, [0, 0, 0]);
      const add = (kind: string, i: number) => {
        counts[match].get(kind)![i]++;
        counts[match].get('all')![i]++;
      };
      for (const g of s.findings) add(g.kind, 0);
      for (const f of found) {
        add(f.kind, 1);
        const hit = unused.findIndex((g) => eq(f, g));
        if (hit >= 0) {
          unused.splice(hit, 1);
          add(f.kind, 2);
        }
      }
    }
  }
  const table = (m: Map<string, number[]>) =>
    Object.fromEntries([...m].map(([k, [g, f, x]]) => [k, score(g, f, x)])) as Record<FindingKind | 'all', KindScore>;
  return { exact: table(counts.exact), overlap: table(counts.overlap) };
}

/** The targets of issue 14, on exact span match: recall ≥ 0.95 on name, phone, record; precision ≥ 0.9 overall. */
export const TARGETS = { recall: { name: 0.95, phone: 0.95, record: 0.95 }, precision: { all: 0.9 } } as const;

/** Characters masked, by kind, over texts that should hold none (the release was published de-identified). */
export interface MaskedShare {
  texts: number;
  characters: number;
  /** Share (0–1) of all characters inside a finding of each kind. */
  byKind: Record<FindingKind, number>;
  /** Share (0–1) inside any finding but a date (dates are masked on purpose, identifying or not). */
  allButDates: number;
}

/** How much of `texts` the detector would mask: the false alarms on de-identified documents (issue 27). */
export async function maskedShare(texts: readonly string[], detect: Detector = detectPersonalInformation): Promise<MaskedShare> {
  const masked = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  let characters = 0;
  for (const text of texts) {
    characters += text.length;
    for (const f of await detect(text)) masked[f.kind] += f.end - f.start;
  }
  const share = (n: number) => (characters ? n / characters : 0);
  const byKind = Object.fromEntries(KINDS.map((k) => [k, share(masked[k])])) as Record<FindingKind, number>;
  const allButDates = share(KINDS.filter((k) => k !== 'date').reduce((sum, k) => sum + masked[k], 0));
  return { texts: texts.length, characters, byKind, allButDates };
}
