// Findings recognised by their shape on NFKC text: e-mail, record numbers after their label, postal
// codes, phone and fax numbers, calendar dates, ages of 90 and over, addresses.
import type { Candidate, FindingKind } from './kinds.js';

interface Rule {
  kind: FindingKind;
  rank: number;
  pattern: RegExp;
  /** The capture group holding the finding (the label around it is context). Default: the whole match. */
  group?: number;
  accept?: (m: RegExpExecArray) => boolean;
}

const NUM = String.raw`(?:\d+|[一二三四五六七八九十]+)`;
const KANJI_KANA = String.raw`[\p{sc=Han}々ァ-ヶー]`;
/** A municipality: a name then 市 区 郡 町 村 (hiragana excluded, so that 隣の… does not join it). */
const UNIT = String.raw`${KANJI_KANA}{1,8}?(?:市|区|郡|町|村)`;
const PREFECTURE = String.raw`(?:東京都|北海道|大阪府|京都府|\p{sc=Han}{2,3}県)`;
/** Dashes people type between groups of digits (NFKC leaves ‐ − ー as they are). */
const DASH = String.raw`[-‐‑‒–—―−ー]`;
/** Chome, banchi, go and dash-separated numbers, ending on a number or 号/番地. */
const STREET = String.raw`${NUM}(?:(?:丁目|番地の?|番|号|${DASH})${NUM})*(?:丁目|番地|号)?`;
/** A street number that says it is one (a suffix or a dash), where a bare number could be anything. */
const MARKED_STREET = String.raw`${NUM}(?:(?:(?:丁目|番地の?|番|号|${DASH})${NUM})+(?:丁目|番地|号)?|丁目|番地|号)`;
/** A building after a space: a name and a room number. */
const BUILDING = String.raw`(?: [\p{sc=Han}ぁ-んァ-ヶー]{1,12}\d{1,5}(?:号室)?)?`;

const POSTAL = String.raw`(?:〒|郵便番号)[ :]*`;
/** What follows a postal code: an address with or without its prefecture and city (〒160-0023 西新宿7-1). */
const AFTER_POSTAL = String.raw`(?:${PREFECTURE})?(?:${UNIT}){0,3}${KANJI_KANA}{0,8}?${STREET}${BUILDING}|${PREFECTURE}(?:${UNIT}){0,3}|(?:${UNIT}){1,3}`;

const SEP = String.raw`(?:${DASH}| ?)`;
const OPEN = String.raw`[(\[〔【]`;
const CLOSE = String.raw`[)\]〕】]`;
/** Phone numbers in every bracket and dash form: the area code or the exchange in brackets, +81, none. */
const PHONE = [
  String.raw`\+81${SEP}(?:${OPEN}0${CLOSE})?${SEP}\d{1,4}${SEP}\d{1,4}${SEP}\d{4}`,
  String.raw`${OPEN}0\d{1,4}${CLOSE} ?\d{1,4}${SEP}\d{3,4}`,
  String.raw`0\d{1,4} ?${OPEN}\d{1,4}${CLOSE} ?\d{3,4}`,
  String.raw`0\d{1,4}(?:${DASH}| )\d{1,4}(?:${DASH}| )\d{3,4}`,
  String.raw`0\d{9,10}`,
].join('|');
/** Domestic numbers have 10 or 11 digits; after +81 the country code stands for the leading 0. */
function phoneDigits(m: RegExpExecArray): boolean {
  const digits = m[0].replace(/\D/g, '');
  const national = m[0].startsWith('+') ? `0${digits.slice(2).replace(/^0/, '')}` : digits;
  return national.length === 10 || national.length === 11;
}

const RECORD_LABEL = String.raw`(?:患者ID|ID|MRN|No\.?|(?:[\p{sc=Han}ァ-ヶー]{0,6}(?:番号|券)))`;

const RULES: Rule[] = [
  { kind: 'email', rank: 9, pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g },
  {
    kind: 'address',
    rank: 8,
    pattern: /(?:〒|郵便番号)[ :]*(\d{3}-?\d{4})(?!\d)/gu,
    group: 1,
  },
  {
    kind: 'address',
    rank: 8,
    pattern: new RegExp(String.raw`(?<=${POSTAL}\d{3}-?\d{4})(?!\d) *(${AFTER_POSTAL})`, 'gu'),
    group: 1,
  },
  {
    // A number after its label (患者番号, カルテNo., 診察券, 保険者番号, ID, MRN ...), with inner hyphens or letters.
    kind: 'record',
    rank: 7,
    pattern: new RegExp(
      String.raw`(?<![A-Za-z])${RECORD_LABEL}[ :]*([A-Za-z]{0,4}-?\d[\dA-Za-z-]*\d(?:-[A-Za-z]{1,4})?)(?![\dA-Za-z])`,
      'gu',
    ),
    group: 1,
    // Stryker disable next-line ArrayDeclaration: the group holds two digits or more, so match() is never null
    accept: (m) => !/(郵便|電話|携帯|FAX)/.test(m[0]) && (m[1].match(/\d/g) ?? []).length >= 4,
  },
  {
    kind: 'phone',
    rank: 6,
    pattern: new RegExp(String.raw`(?<![\d.\/-])(?:${PHONE})(?![\d-])`, 'g'),
    accept: phoneDigits,
  },
  {
    kind: 'date',
    rank: 5,
    pattern: new RegExp(
      [
        String.raw`(?:明治|大正|昭和|平成|令和)(?:元|\d{1,2})年(?:\d{1,2}月(?:\d{1,2}日)?)?`,
        String.raw`(?<!\d)(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?`,
        String.raw`(?<![\d.\/-])(?:19|20)\d{2}([\/.-])\d{1,2}\1\d{1,2}(?![\d\/-])`,
        String.raw`(?<![A-Za-z\d])[MTSHR]\d{1,2}\.\d{1,2}\.\d{1,2}(?![\d.]\d)`,
        String.raw`(?<![\d年])\d{1,2}月\d{1,2}日`,
      ].join('|'),
      'g',
    ),
  },
  {
    // A romanized name after an English label (Patient: Hanako Kumoi).
    kind: 'name',
    rank: 2,
    pattern: /(?:Patient|Name|Pt|Dr|Mr|Mrs|Ms)\.?:? ([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})/g,
    group: 1,
  },
  {
    kind: 'age',
    rank: 4,
    pattern: /(?<!\d|\d\.)(\d{2,3})歳(?!代)|百[一二三四五六七八九十]*歳|九十[一二三四五六七八九]?歳(?!代)/g,
    accept: (m) => m[1] === undefined || Number(m[1]) >= 90,
  },
  {
    kind: 'address',
    rank: 3,
    pattern: new RegExp(
      String.raw`(?:${PREFECTURE}(?:${UNIT}){0,3}|(?:${UNIT}){2,3})(?:${KANJI_KANA}{0,8}?${STREET}${BUILDING}|(?=[^\p{sc=Han}]|$))|${UNIT}${KANJI_KANA}{0,8}?${MARKED_STREET}${BUILDING}`,
      'gu',
    ),
    // A prefecture alone (東京都で) is not an address that locates a home.
    accept: (m) => !new RegExp(`^${PREFECTURE}$`, 'u').test(m[0]),
  },
];

/** Every occurrence of a listed facility name (NFKC) in the normalized text. */
export function listedCandidates(text: string, names: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const name of names) {
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length))
      out.push({ kind: 'facility', start: at, end: at + name.length, rank: 3 });
  }
  return out;
}

/** Candidates found by shape in the normalized text. */
export function patternCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      if (rule.accept && !rule.accept(m)) continue;
      const g = rule.group ?? 0;
      const start = m.index + (g ? m[0].indexOf(m[g]) : 0);
      out.push({ kind: rule.kind, start, end: start + m[g].length, rank: rule.rank });
    }
  }
  return out;
}
