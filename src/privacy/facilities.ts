// Facility names read from parts of speech (IPADIC via kuromoji): a specific name before a facility word
// (…病院, …医院, …クリニック, …診療所, …医療センター), an organisation IPADIC knows (聖路加国際病院), or a
// proper noun before a department (みどり野整形外科). Generic words alone (当院, 大学病院, 医療センター) pass.
import type { Candidate } from './kinds.js';
import type { PosToken } from './pos-tokenizer.js';

const FACILITY_ENDS = new Set(['病院', '医院', 'クリニック', '診療所']);
/** An organisation IPADIC knows whose name ends as a facility does. */
const FACILITY_NAME = /(?:病院|医院|クリニック|診療所|センター)$/u;
/** Words that make a facility generic (当院, 大学病院, 総合病院) when nothing else precedes the suffix. */
const GENERIC = new Set(
  ['当', '某', '院', '近', '前', '他', '同', '総合', '大学', '市立', '県立', '国立', '公立', '私立', '専門', '地域'].concat([
    '救急',
    '一般',
    '精神',
    '小児',
    '附属',
    '付属',
    '関連',
    '紹介',
    '基幹',
    '拠点',
    '中核',
    '急性',
    '期',
    '療養',
    'リハビリテーション',
    'リハビリ',
    '老人',
    '保健',
  ]),
);
const FACILITY_LIMIT = 24;
const NAME_CHARS = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}ー々]+$/u;
const KANA_ONLY = /^[\p{sc=Hiragana}ー]+$/u;

/** A word that may be part of a facility's name; time words (明日, 本日) never are. */
const joins = (p: PosToken) =>
  (p.pos === '名詞' || p.pos === '接頭詞' || p.unknown || p.surface === 'ヶ' || p.surface === '・') &&
  p.pos1 !== '副詞可能' &&
  NAME_CHARS.test(p.surface.replace('・', 'ア'));

/**
 * A short word before の that names a place (虎の門病院): a common or proper noun of up to 3 characters, not a
 * generic one nor one that itself names a doctor or a hospital (近医の…, 他院の…).
 */
const beforeNo = (p: PosToken | undefined) =>
  p !== undefined &&
  p.pos === '名詞' &&
  (p.pos1 === '一般' || p.pos1 === '固有名詞') &&
  /^[\p{sc=Han}\p{sc=Katakana}ー]{1,3}$/u.test(p.surface) &&
  !/[医院科]$/u.test(p.surface) &&
  !GENERIC.has(p.surface);

/** The first token of the facility word ending at token `i` (診療所 may be 診療 + 所), or -1. */
function endWordAt(tokens: PosToken[], i: number): number {
  let word = '';
  for (let k = i; k >= Math.max(0, i - 2); k--) {
    word = tokens[k].surface + word;
    if (FACILITY_ENDS.has(word)) return k;
  }
  return -1;
}

/** A proper name in hiragana split into particles by the tokenizer (みな|と), after punctuation or a blank: its length. */
function hiraganaNameBefore(normalized: string, at: number): number {
  const m = /(?:^|[\s\p{P}\p{S}])([\p{sc=Hiragana}ー]{2,6})$/u.exec(normalized.slice(0, at));
  // A run ending in a particle is a phrase (かかりつけの病院), not a name.
  return m && !/[のにはをがへでもや]$/u.test(m[1]) ? m[1].length : 0;
}

/** The first token of the facility ending at token `i`: nouns before it, and one word joined by の. */
function nameStart(tokens: PosToken[], i: number, first = i): number {
  const end = tokens[i].start + tokens[i].surface.length;
  let from = first;
  let joinedNo = false;
  while (from > 0) {
    const p = tokens[from - 1];
    const within = (k: number) => end - tokens[k].start <= FACILITY_LIMIT;
    if (joins(p) && within(from - 1)) from--;
    else if (!joinedNo && from < i && p.surface === 'の' && beforeNo(tokens[from - 2]) && within(from - 2)) {
      from -= 2;
      joinedNo = true;
    } else break;
  }
  return from;
}

/** Facility candidates among the tokens of the normalized text. */
export function facilities(tokens: PosToken[], normalized: string): Candidate[] {
  const out: Candidate[] = [];
  tokens.forEach((t, i) => {
    const department = /^\p{sc=Han}*科$/u.test(t.surface) && t.surface.length >= 2;
    const centre = t.surface === 'センター';
    const organisation = t.pos1 === '固有名詞' && t.pos2 === '組織' && FACILITY_NAME.test(t.surface);
    const endWord = endWordAt(tokens, i);
    if (endWord < 0 && !department && !centre && !organisation) return;
    const first = endWord < 0 ? i : endWord;
    const from = nameStart(tokens, i, first);
    const prefix = tokens.slice(from, first).filter((p) => p.surface !== 'の');
    const medical = centre && tokens[i - 1]?.surface === '医療';
    // A hiragana name the tokenizer split (みな|と記念病院) joins when it stands after punctuation or a blank.
    const hiragana = prefix.every((p) => !KANA_ONLY.test(p.surface)) ? hiraganaNameBefore(normalized, tokens[from].start) : 0;
    const specific = hiragana > 0 || prefix.some((p) => !GENERIC.has(p.surface) && !(medical && p === tokens[i - 1]));
    if (!organisation && !specific) return;
    if (department && (prefix[0]?.pos1 !== '固有名詞' || prefix.some((p) => FACILITY_ENDS.has(p.surface)))) return;
    // A centre is a facility as a 医療センター or after a proper noun, not as 透析センター.
    if (centre && !medical && !prefix.some((p) => p.pos1 === '固有名詞')) return;
    out.push({ kind: 'facility', start: tokens[from].start - hiragana, end: t.start + t.surface.length, rank: 1 });
  });
  return out;
}
