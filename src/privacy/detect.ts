// The detector of personal information in Japanese clinical text: shapes (patterns.ts) and parts of
// speech (names.ts) on an NFKC copy, spans mapped back to the original. Rules: issue 14 and
// test/fixtures/pii/README.md (span conventions).
import { KIND_LABELS, type Candidate, type Finding } from './kinds.js';
import { tokenCandidates } from './names.js';
import { normalizeForMatching, originalSpan } from './normalize.js';
import { patternCandidates } from './patterns.js';
import { posTokens } from './pos-tokenizer.js';

/** Keeps the best candidate where several overlap: higher rank first, then the longer. */
function settle(candidates: Candidate[]): Candidate[] {
  const kept: Candidate[] = [];
  const order = [...candidates].sort((a, b) => b.rank - a.rank || b.end - b.start - (a.end - a.start));
  for (const c of order) if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Personal information in `text`: names, addresses and postal codes, phone/fax numbers, e-mail, calendar
 * dates, ages of 90 and over, record numbers, facility names. Spans are JS string indices into `text`
 * (end exclusive), never overlapping, in order. The first call loads IPADIC (about 1 s, ~60 MB).
 */
export async function detectPersonalInformation(text: string): Promise<Finding[]> {
  const n = normalizeForMatching(text);
  const tokens = await posTokens(n.text);
  // Names and facilities rank below shapes: a number or an e-mail is never a name.
  return settle([...patternCandidates(n.text), ...tokenCandidates(tokens, n.text)]).map((c) => {
    const [start, end] = originalSpan(n, c.start, c.end);
    return { kind: c.kind, start, end, text: text.slice(start, end) };
  });
}

/** `text` with each finding replaced by its kind's label: 田中さん → [氏名]さん. */
export function maskFindings(text: string, findings: readonly Finding[]): string {
  let out = '';
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    out += `${text.slice(at, f.start)}[${KIND_LABELS[f.kind]}]`;
    at = f.end;
  }
  return out + text.slice(at);
}
