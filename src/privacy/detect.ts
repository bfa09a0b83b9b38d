// The detector of personal information in Japanese clinical text: shapes (patterns.ts), parts of speech
// (names.ts) and the operator's facility list on an NFKC copy, spans mapped back to the original. Rules:
// issues 14 and 27, test/fixtures/pii/README.md (span conventions).
import { KIND_LABELS, type Candidate, type Finding } from './kinds.js';
import { tokenCandidates } from './names.js';
import { normalizeForMatching, originalSpan } from './normalize.js';
import { listedCandidates, patternCandidates } from './patterns.js';
import { posTokens } from './pos-tokenizer.js';

/** Finds personal information in a text: findings in order, never overlapping, JS string indices. */
export type Detector = (text: string) => Promise<Finding[]>;

export interface DetectorOptions {
  /** Facility names an operator lists (JCB_FACILITIES): each occurrence is a facility finding. */
  facilities?: readonly string[];
}

/** Keeps the best candidate where several overlap: higher rank first, then the longer. */
function settle(candidates: Candidate[]): Candidate[] {
  const kept: Candidate[] = [];
  const order = [...candidates].sort((a, b) => b.rank - a.rank || b.end - b.start - (a.end - a.start));
  for (const c of order) if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * A detector of names, addresses and postal codes, phone/fax numbers, e-mail, calendar dates, ages of 90
 * and over, record numbers and facility names (`options.facilities` too). Any string is accepted: control
 * characters and lone surrogates are read as spaces. The first call loads IPADIC (about 1 s, ~60 MB).
 */
export function createDetector(options: DetectorOptions = {}): Detector {
  const listed = (options.facilities ?? []).map((f) => f.normalize('NFKC').trim()).filter(Boolean);
  return async (text) => {
    const n = normalizeForMatching(text);
    const tokens = await posTokens(n.text);
    // Names and facilities rank below shapes: a number or an e-mail is never a name.
    const candidates = [...patternCandidates(n.text), ...tokenCandidates(tokens, n.text), ...listedCandidates(n.text, listed)];
    return settle(candidates).map((c) => {
      const [start, end] = originalSpan(n, c.start, c.end);
      return { kind: c.kind, start, end, text: text.slice(start, end) };
    });
  };
}

/** The detector without an operator's list. */
export const detectPersonalInformation: Detector = createDetector();

/**
 * `text` with each finding replaced by its kind's label: 田中さん → [氏名]さん. Findings of one kind
 * separated by blanks only are one label (〒160-0023 新宿区… → 〒[住所]): what continues is not left readable.
 */
export function maskFindings(text: string, findings: readonly Finding[]): string {
  let out = '';
  let at = 0;
  let previous: Finding | undefined;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    const gap = text.slice(at, f.start);
    if (!(previous?.kind === f.kind && /^\s*$/u.test(gap))) out += `${gap}[${KIND_LABELS[f.kind]}]`;
    at = f.end;
    previous = f;
  }
  return out + text.slice(at);
}

export interface MaskedText {
  /** The findings in the original text. */
  findings: Finding[];
  /** The text with every finding masked, on which the detector finds nothing more. */
  masked: string;
}

/** Rounds of masking before a text whose masked form still holds findings is refused. */
const ROUNDS = 3;

/**
 * Masks `text` to a fixed point: the masked text is detected again and masked again until nothing is
 * found (issue 27: what is sent is what was checked).
 * @throws Error when the masked text still holds findings after a few rounds: send nothing.
 */
export async function maskToFixedPoint(text: string, detect: Detector): Promise<MaskedText> {
  const findings = await detect(text);
  let masked = text;
  let found = findings;
  for (let round = 0; found.length; round++) {
    if (round === ROUNDS) throw new Error(`masking left findings after ${ROUNDS} rounds`);
    masked = maskFindings(masked, found);
    found = await detect(masked);
  }
  return { findings, masked };
}
