// Findings read from parts of speech (IPADIC via kuromoji): person names (facilities: facilities.ts).
// Names come from three cues, each general rather than a list of names:
//  1. an honorific after the name (さん 様 氏 君 ちゃん, 先生 医師): the name is the nouns before it;
//  2. a role or kinship label before it (主治医 平野, 長女 愛, Ns.森, PT：森), or any staff role (…師, …士, PT)
//     before a proper noun, glued or joined by の (看護師の佐藤, PT田中; see surnameAfterStaff);
//  3. a surname followed by a given name (小林 澪央), both tagged 人名.
// A reading in brackets after a name belongs to it (山田太郎（やまだたろう）さん).
// A 人名 word glued to a following noun is a compound, not a person (橋本病, 長谷川式, 高安動脈炎).
import { facilities } from './facilities.js';
import type { Candidate } from './kinds.js';
import type { PosToken } from './pos-tokenizer.js';
import { codePointLength } from '../base/code-points.js';

const HONORIFICS = new Set(['さん', '様', '氏', '君', 'ちゃん', '先生', '医師', 'くん']);
/** Staff roles written before a name (看護師 森, 担当医：平野). */
const STAFF_ROLES = [
  ...['主治医', '担当医', '医師', '看護師', '薬剤師', '記載者', '記録者', '担当', '紹介医', 'Ns', 'Dr'],
  ...['看護師長', '師長', '理学療法士', '作業療法士', '言語聴覚士', '管理栄養士', '栄養士', '保健師', '助産師'],
  ...['技師', '研修医', '専攻医', '指導医', '執刀医', '院長', '医長', 'ケアマネジャー', 'ケアマネージャー'],
  ...['ケアマネ', 'ソーシャルワーカー'],
];
/** Words that precede a name in notes (staff, kin, the patient); they are never part of it. */
const ROLES = new Set([
  ...STAFF_ROLES,
  ...['確認', '氏名', '患者', '本人', '妻', '夫', '母', '父', '長男', '次男', '三男', '長女', '次女', '三女', '娘'],
  ...['息子', '兄', '姉', '弟', '妹', '祖母', '祖父', '孫', '義母', '義父', '家族', 'キーパーソン'],
]);
const ROLE_BEFORE = new RegExp(String.raw`(?:${[...ROLES].join('|')})[ :().]+$`);
/** Any staff role: the words above, a compound ending in 師 or 士 (臨床検査技師), or an abbreviation (PT, not FAST). */
const STAFF = String.raw`(?:${STAFF_ROLES.join('|')}|[\p{sc=Han}ァ-ヶー]*(?:師|士)長?|(?<![A-Za-z])(?:PT|OT|ST|MSW|SW|CM|NS))`;
/** Any staff role as a label, before a colon (PT：森). */
const STAFF_LABEL = new RegExp(String.raw`${STAFF} *: *$`, 'u');
/** A staff role right before a name: glued, after a separator, or joined by の. */
const STAFF_BEFORE = new RegExp(String.raw`${STAFF}[ :().]*の?$`, 'u');
const STAFF_GLUED = new RegExp(String.raw`${STAFF}$`, 'u');
/** A staff role, then a blank or a colon (PT 東: a label, as the README promises for common-word surnames). */
const STAFF_SPACED = new RegExp(String.raw`${STAFF}[ :]+$`, 'u');
/**
 * A surname after a staff role, glued or joined by の: any proper noun (IPADIC tags many surnames as places
 * or organisations: 松本, 吉田); glued, also a kanji noun of two or three characters before a particle
 * (看護師山田が: IPADIC reads 山田 as a common noun there); after a blank or a colon, of one to three (PT 東が:
 * a one-character surname is a word glued, 看護師東, but a label's name after a separator).
 */
const surnameAfterStaff = (t: PosToken, next: PosToken | undefined, before: string) =>
  (t.pos1 === '固有名詞' && STAFF_BEFORE.test(before)) ||
  (t.pos1 === '一般' &&
    (next === undefined || /^(?:助詞|記号)$/.test(next.pos)) &&
    ((/^\p{sc=Han}{2,3}$/u.test(t.surface) && STAFF_GLUED.test(before)) ||
      (/^\p{sc=Han}{1,3}$/u.test(t.surface) && STAFF_SPACED.test(before))));
/** A staff role on its own (看護師さん is a role, not a name). */
const STAFF_WORD = new RegExp(String.raw`^${STAFF}$`, 'u');
/** A reading in brackets (kana or Latin letters) right after a name, or right before an honorific. */
const READING = String.raw`[(\[〔【][\p{sc=Hiragana}\p{sc=Katakana}ー・ A-Za-z]{1,30}[)\]〕】]`;
const READING_AFTER = new RegExp(String.raw`^ ?${READING}`, 'u');
const READING_BEFORE = new RegExp(String.raw`${READING} ?$`, 'u');
/**
 * Every character the expressions above that read back from a name (ROLE_BEFORE, STAFF_*, READING_BEFORE) can
 * match; a character of any other kind (、。, digits, a line break) ends what they may read.
 */
const LABEL_CHAR = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}ー・A-Za-z :().[\]〔〕【】]$/u;

/**
 * For each index of `normalized`: where the text before it that a label may lie in starts, at the last
 * character no label holds (kept for STAFF's look-behind), else 0. Reading `slice(from[i], i)` instead of
 * `slice(0, i)` finds the same labels, in time that does not grow with the text before (issue 28).
 */
function labelStarts(normalized: string): Int32Array {
  const from = new Int32Array(normalized.length + 1);
  let last = 0;
  for (let i = 0; i < normalized.length;) {
    const ch = String.fromCodePoint(normalized.codePointAt(i)!);
    for (let k = 0; k < ch.length; k++) from[i + k] = last;
    if (!LABEL_CHAR.test(ch)) last = i;
    i += ch.length;
  }
  from[normalized.length] = last;
  return from;
}

const NAME_CHARS = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}ー々]+$/u;
const HAN = /^[\p{sc=Han}々]+$/u;
const KANA = /^[\p{sc=Hiragana}\p{sc=Katakana}ー]+$/u;
const KATAKANA = /^[\p{sc=Katakana}ー・]+$/u;

function nameLike(t: PosToken): boolean {
  if (
    !NAME_CHARS.test(t.surface.replace(/(?<=\p{sc=Katakana})・(?=\p{sc=Katakana})/gu, '')) ||
    ROLES.has(t.surface) ||
    HONORIFICS.has(t.surface)
  )
    return false;
  if (t.pos === '名詞') return t.pos1 !== '代名詞' && t.pos1 !== '非自立' && (t.pos1 !== '数' || HAN.test(t.surface));
  return t.pos === '記号' || t.unknown;
}
const isSpace = (t: PosToken | undefined) => t !== undefined && /^\s+$/.test(t.surface);
const isPerson = (t: PosToken) => t.pos2 === '人名' && t.pos1 === '固有名詞';
/** A noun right after a name makes a compound term (毛様体, 橋本病): kanji or kana, not a particle. */
const gluedNoun = (t: PosToken | undefined) =>
  t !== undefined && t.pos === '名詞' && t.pos1 !== '数' && NAME_CHARS.test(t.surface) && !HONORIFICS.has(t.surface);

/** Name-like tokens ending at index `last` (inclusive), walking back; katakana words may be joined by ・. */
function segmentBefore(tokens: PosToken[], last: number): number {
  let i = last;
  while (i >= 0) {
    const t = tokens[i];
    if (nameLike(t)) i--;
    else if (t.surface === '・' && i > 0 && i < last && KANA.test(tokens[i - 1].surface)) i--;
    else break;
  }
  return i + 1;
}

function span(tokens: PosToken[], from: number, to: number): Candidate {
  const last = tokens[to];
  return { kind: 'name', start: tokens[from].start, end: last.start + last.surface.length, rank: 2 };
}

const text = (tokens: PosToken[], from: number, to: number) =>
  tokens
    .slice(from, to + 1)
    .map((t) => t.surface)
    .join('');

/** A family name before a space, accepted when short and not a role word; katakana after a katakana given name. */
function familyBefore(tokens: PosToken[], spaceAt: number, katakana: boolean): number | undefined {
  if (!isSpace(tokens[spaceAt]) || spaceAt === 0) return undefined;
  const from = segmentBefore(tokens, spaceAt - 1);
  if (from > spaceAt - 1) return undefined;
  const family = text(tokens, from, spaceAt - 1);
  if (katakana)
    return codePointLength(family) <= 8 && KATAKANA.test(family) && !family.includes('・') ? from : undefined;
  return codePointLength(family) <= 4 && !KANA.test(family) ? from : undefined;
}

function honorificNames(tokens: PosToken[], normalized: string, labelFrom: Int32Array): Candidate[] {
  const out: Candidate[] = [];
  tokens.forEach((t, h) => {
    if (!HONORIFICS.has(t.surface) || gluedNoun(tokens[h + 1])) return;
    // The name before a reading in brackets (山田（やまだ）様); the reading joins it in withReading.
    const reading = READING_BEFORE.exec(normalized.slice(labelFrom[t.start], t.start));
    const before = reading ? tokens.findIndex((x) => x.start === labelFrom[t.start] + reading.index) : h;
    const last = isSpace(tokens[before - 1]) ? before - 2 : before - 1;
    if (last < 0) return;
    const from = segmentBefore(tokens, last);
    if (from > last) return;
    const given = text(tokens, from, last);
    const katakana = KATAKANA.test(given);
    if (codePointLength(given) > (katakana ? 25 : 6) || STAFF_WORD.test(given)) return;
    // 様 after a common noun, before の/な/に or a line's end, reads よう, "-like" (乾癬様の紅斑, 旧血様), not an honorific.
    const common = !tokens.slice(from, last + 1).some((x) => isPerson(x) || x.unknown);
    if (t.surface === '様' && common && /^(?:[のなに]| *(?:\n|$))/u.test(normalized.slice(t.start + 1))) return;
    const family = given.includes('・') ? undefined : familyBefore(tokens, from - 1, katakana);
    out.push(span(tokens, family ?? from, last));
  });
  return out;
}

/** The name after a role label: kanji (or a tagged name), then a given name after a space when it is one. */
function labelledNames(tokens: PosToken[], normalized: string, labelFrom: Int32Array): Candidate[] {
  const out: Candidate[] = [];
  tokens.forEach((t, i) => {
    if (!nameLike(t)) return;
    const before = normalized.slice(labelFrom[t.start], t.start);
    const labelled = !(i > 0 && nameLike(tokens[i - 1])) && (ROLE_BEFORE.test(before) || STAFF_LABEL.test(before));
    if (!labelled && !surnameAfterStaff(t, tokens[i + 1], before)) return;
    let last = i;
    while (last + 1 < tokens.length && nameLike(tokens[last + 1])) last++;
    const family = text(tokens, i, last);
    const tagged = tokens.slice(i, last + 1).some(isPerson);
    if (codePointLength(family) > 4 || !(HAN.test(family) || tagged)) return;
    let end = last;
    if (isSpace(tokens[last + 1]) && tokens[last + 2] && nameLike(tokens[last + 2])) {
      let g = last + 2;
      while (g + 1 < tokens.length && nameLike(tokens[g + 1])) g++;
      const given = text(tokens, last + 2, g);
      const givenTokens = tokens.slice(last + 2, g + 1);
      if (codePointLength(given) <= 4 && (KANA.test(given) || givenTokens.some((x) => isPerson(x) || x.unknown)))
        end = g;
    }
    out.push(span(tokens, i, end));
  });
  return out;
}

/** A surname then a given name, both tagged 人名 (小林 澪央, 中村 澄晴); neither glued to a noun. */
function pairedNames(tokens: PosToken[]): Candidate[] {
  const out: Candidate[] = [];
  tokens.forEach((t, i) => {
    if (!isPerson(t) || t.pos3 !== '姓') return;
    let g = isSpace(tokens[i + 1]) ? i + 2 : i + 1;
    if (!tokens[g] || !nameLike(tokens[g])) return;
    const from = g;
    while (g + 1 < tokens.length && nameLike(tokens[g + 1])) g++;
    const given = tokens.slice(from, g + 1);
    if (!given.some(isPerson) || codePointLength(text(tokens, from, g)) > 4) return;
    out.push(span(tokens, i, g));
  });
  return out;
}

/** Name and facility candidates from the tokens of the normalized text. */
export function tokenCandidates(tokens: PosToken[], normalized: string): Candidate[] {
  const labelFrom = labelStarts(normalized);
  const names = [
    ...honorificNames(tokens, normalized, labelFrom),
    ...labelledNames(tokens, normalized, labelFrom),
    ...pairedNames(tokens),
  ];
  return [...names.map((c) => withReading(c, normalized)), ...facilities(tokens, normalized)];
}

/** A name with the reading in brackets that follows it. */
function withReading(c: Candidate, normalized: string): Candidate {
  const reading = READING_AFTER.exec(normalized.slice(c.end));
  return reading ? { ...c, end: c.end + reading[0].length } : c;
}
