// Unit tests of the personal-information detector's parts, on sentences written for these tests (not the
// test set of test/fixtures/pii, which the detector was tuned on): each shape rule with positive and negative
// examples, NFKC spans mapped back to the original, masking, the scores, the kinds and their labels.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPersonalInformation, maskFindings, maskToFixedPoint } from '../src/privacy/detect.js';
import { KIND_LABELS, KINDS, type Finding } from '../src/privacy/kinds.js';
import { normalizeForMatching, originalSpan } from '../src/privacy/normalize.js';
import { patternCandidates } from '../src/privacy/patterns.js';
import { posTokens } from '../src/privacy/pos-tokenizer.js';
import { readTestSet, scoreDetector, type AnnotatedSentence } from '../src/privacy/score.js';

/** [kind, matched text, rank] of the shape rules on an (already normalized) text. */
const shapes = (text: string) => patternCandidates(text).map((c) => [c.kind, text.slice(c.start, c.end), c.rank]);
/** [kind, text] of the detector's findings, checking each finding's text is its span of the input. */
async function found(text: string): Promise<[string, string][]> {
  const findings = await detectPersonalInformation(text);
  for (const f of findings) expect(text.slice(f.start, f.end)).toBe(f.text);
  return findings.map((f) => [f.kind, f.text]);
}

describe('the kinds', () => {
  it('are the eight of issue 14, each with its mask label', () => {
    expect(KINDS).toEqual(['name', 'phone', 'address', 'email', 'date', 'age', 'record', 'facility']);
    expect(KIND_LABELS).toEqual({
      name: '氏名',
      phone: '電話番号',
      address: '住所',
      email: 'メール',
      date: '日付',
      age: '年齢',
      record: 'ID',
      facility: '施設名',
    });
  });
});

describe('the shape rules', () => {
  it('find e-mail addresses with dots, plus, percent and hyphens, not a bare host', () => {
    expect(shapes('a.b@x.y.example.com と MAIL:x_y%z+1@ex-ample.org')).toEqual([
      ['email', 'a.b@x.y.example.com', 9],
      ['email', 'x_y%z+1@ex-ample.org', 9],
    ]);
    expect(shapes('user@localhost に送信．2 L/分@鼻カニュラ')).toEqual([]);
  });

  it('find a record number after its label: the number only, at least four digits', () => {
    expect(shapes('患者番号:1234 と患者番号:123')).toEqual([['record', '1234', 7]]);
    expect(shapes('患者番号 A1234 と患者番号 AB1234-X')).toEqual([
      ['record', 'A1234', 7],
      ['record', 'AB1234-X', 7],
    ]);
    expect(shapes('カルテ番号 12-34-56-X と診察券番号 1234-XYZW')).toEqual([
      ['record', '12-34-56-X', 7],
      ['record', '1234-XYZW', 7],
    ]);
    expect(shapes('No 12345 と No.67890 と MRN:55555 と 患者ID 77777')).toEqual([
      ['record', '12345', 7],
      ['record', '67890', 7],
      ['record', '55555', 7],
      ['record', '77777', 7],
    ]);
    expect(shapes('受給者証番号:AB-1234')).toEqual([['record', 'AB-1234', 7]]);
    expect(shapes('診察券 00123 を忘れた')).toEqual([['record', '00123', 7]]);
  });

  it('take no record number glued to a word, followed by letters, with spaces inside, or a phone or postal number', () => {
    expect(shapes('XID 123456 と ID 1234a と 保険証番号 12 34')).toEqual([]);
    expect(shapes('ID 12345A6')).toEqual([['record', '12345A6', 7]]);
    expect(shapes('携帯番号 09011112222')).toEqual([['phone', '09011112222', 6]]);
    expect(shapes('FAX番号 0311112222')).toEqual([['phone', '0311112222', 6]]);
    expect(shapes('郵便番号 1234567')).toEqual([['address', '1234567', 8]]);
    expect(shapes('電話番号 0311112222')).toEqual([['phone', '0311112222', 6]]);
  });

  it('find postal codes after 〒 or 郵便番号, digits only, seven of them', () => {
    expect(shapes('〒 123-4567 と 〒:1234567 と 〒123-45678 と 〒12-34567')).toEqual([
      ['address', '123-4567', 8],
      ['address', '1234567', 8],
    ]);
    expect(shapes('郵便番号:987-6543 と 〒1000001')).toEqual([
      ['address', '987-6543', 8],
      ['address', '1000001', 8],
    ]);
    expect(shapes('〒 番号 123-4567')).toEqual([['record', '123-4567', 7]]);
  });

  it('find phone numbers: hyphens, spaces, brackets, +81, ten or eleven digits without separators', () => {
    expect(shapes('(03) 1234-5678 と (0120)12-3456')).toEqual([
      ['phone', '(03) 1234-5678', 6],
      ['phone', '(0120)12-3456', 6],
    ]);
    expect(shapes('0120 12 3456 と 045-123-4567')).toEqual([
      ['phone', '0120 12 3456', 6],
      ['phone', '045-123-4567', 6],
    ]);
    expect(shapes('+81-90-1234-5678 と +81 3 1234 5678 と +811234567890')).toEqual([
      ['phone', '+81-90-1234-5678', 6],
      ['phone', '+81 3 1234 5678', 6],
      ['phone', '+811234567890', 6],
    ]);
    expect(shapes('自宅0425551234 携帯09011112222')).toEqual([
      ['phone', '0425551234', 6],
      ['phone', '09011112222', 6],
    ]);
  });

  it('take no phone number inside a longer number, a decimal or a code', () => {
    expect(shapes('03-1234-5678-9 は検査コード')).toEqual([]);
    expect(shapes('1.03-1234-5678 と 7/03-1234-5678 と 5-03-1234-5678')).toEqual([]);
    expect(shapes('012345678 は9桁, 031234567890 は12桁')).toEqual([]);
    expect(shapes('1234-5678 と 12-3456-7890')).toEqual([]);
    expect(shapes('090 1234 567 は短い')).toEqual([['phone', '090 1234 567', 6]]);
    expect(shapes('090 1234 56')).toEqual([]);
  });

  it('find calendar dates: Western, 和暦, slashes, dots, hyphens, initials, month and day', () => {
    expect(shapes('2024年 と 1999年12月 と 2024年12月25日')).toEqual([
      ['date', '2024年', 5],
      ['date', '1999年12月', 5],
      ['date', '2024年12月25日', 5],
    ]);
    expect(shapes('令和10年 と 大正元年5月 と 明治3年7月8日 と 平成31年4月')).toEqual([
      ['date', '令和10年', 5],
      ['date', '大正元年5月', 5],
      ['date', '明治3年7月8日', 5],
      ['date', '平成31年4月', 5],
    ]);
    expect(shapes('2023/12/01 と 2023-1-5 と 2023.02.03')).toEqual([
      ['date', '2023/12/01', 5],
      ['date', '2023-1-5', 5],
      ['date', '2023.02.03', 5],
    ]);
    expect(shapes('H1.2.3 と R6.12.31 と S45.3.2 と T9.10.11 と M1.1.1')).toEqual([
      ['date', 'H1.2.3', 5],
      ['date', 'R6.12.31', 5],
      ['date', 'S45.3.2', 5],
      ['date', 'T9.10.11', 5],
      ['date', 'M1.1.1', 5],
    ]);
    expect(shapes('12月25日 と 1月1日')).toEqual([
      ['date', '12月25日', 5],
      ['date', '1月1日', 5],
    ]);
  });

  it('take no year outside 1900-2099, mixed separators, longer numbers or initials inside words', () => {
    expect(shapes('2100年 と 3019年 と 12024年 と 1899年')).toEqual([]);
    expect(shapes('2024/1/2/3 と 2024/01-02 と 12024/01/02 と 2024/1/2-5')).toEqual([]);
    expect(shapes('X1.2.3 と AH1.2.3 と 5H1.2.3 と H1.2.3.4 と H1.2.3456')).toEqual([]);
    expect(shapes('123月4日 と 3ヶ月 と 令和123年')).toEqual([]);
    expect(shapes('1.2024/01/02')).toEqual([]);
  });

  it('find a romanized name after an English label', () => {
    expect(shapes('Pt: Taro Yamada と Mr Ken Sato と Ms. Aiko Lee Brown')).toEqual([
      ['name', 'Taro Yamada', 2],
      ['name', 'Ken Sato', 2],
      ['name', 'Aiko Lee Brown', 2],
    ]);
    expect(shapes('Patient Taro と Mrs: Kate Moss と Name: hanako kumoi')).toEqual([['name', 'Kate Moss', 2]]);
  });

  it('find ages of 90 and over, in digits or kanji, not decades or younger ages', () => {
    expect(shapes('90歳 と 105歳 と 九十歳 と 百二歳 と 九十一歳 と 百歳')).toEqual([
      ['age', '90歳', 4],
      ['age', '105歳', 4],
      ['age', '九十歳', 4],
      ['age', '百二歳', 4],
      ['age', '九十一歳', 4],
      ['age', '百歳', 4],
    ]);
    expect(shapes('89歳 と 8歳 と 100歳代 と 1.90歳 と 92歳代 と 九十九歳代 と 1234歳')).toEqual([]);
  });

  it('find addresses from the prefecture or two municipalities to the room number', () => {
    expect(shapes('東京都千代田区 と 神奈川県横浜市中区山下町1番地')).toEqual([
      ['address', '東京都千代田区', 3],
      ['address', '神奈川県横浜市中区山下町1番地', 3],
    ]);
    expect(shapes('架空県架空市架空町2丁目3番地の4 ハイツ夢見101号室 まで')).toEqual([
      ['address', '架空県架空市架空町2丁目3番地の4 ハイツ夢見101号室', 3],
    ]);
    expect(shapes('架空県夢見市本町3-4-5 ハイツ12')).toEqual([['address', '架空県夢見市本町3-4-5 ハイツ12', 3]]);
    expect(shapes('架空市夢見区 と 架空郡夢見町 と 夢見市架空村')).toEqual([
      ['address', '架空市夢見区', 3],
      ['address', '架空郡夢見町', 3],
      ['address', '夢見市架空村', 3],
    ]);
    expect(shapes('北海道夢見市緑町五丁目十番')).toEqual([['address', '北海道夢見市緑町五丁目十', 3]]);
  });

  it('take no prefecture alone, one municipality alone, nor a town name glued to more kanji', () => {
    expect(shapes('東京都 と 京都府で と 大阪府 と 北海道')).toEqual([]);
    expect(shapes('架空市 に住む')).toEqual([]);
    expect(shapes('架空県 と 神奈川県で')).toEqual([]);
    expect(shapes('架空市夢見町役場')).toEqual([]);
  });
});

describe('the NFKC copy', () => {
  it('maps each normalized code unit back to its original character', () => {
    const n = normalizeForMatching('ｱ０㍻𠮷');
    // ｱ → ア, ０ → 0, ㍻ → 平成 (two units from one), 𠮷 stays two UTF-16 units.
    expect(n.text).toBe('ア0平成𠮷');
    expect(n.startOf).toEqual([0, 1, 2, 2, 3, 3, 5]);
    expect(n.endOf).toEqual([1, 2, 3, 3, 5, 5]);
    expect(originalSpan(n, 2, 4)).toEqual([2, 3]);
    expect(originalSpan(n, 1, 5)).toEqual([1, 5]);
    expect(originalSpan(n, 3, 3)).toEqual([2, 2]);
    expect(originalSpan(n, 6, 6)).toEqual([5, 5]);
  });

  it('gives the detector the original spans of full-width numbers and letters', async () => {
    const text = '夜間は携帯０９０－１２３４－５６７８へ．メール ｋｅｎ＠ｅｘａｍｐｌｅ．ｊｐ';
    const findings = await detectPersonalInformation(text);
    expect(findings).toEqual([
      { kind: 'phone', start: 5, end: 18, text: '０９０－１２３４－５６７８' },
      { kind: 'email', start: 24, end: 38, text: 'ｋｅｎ＠ｅｘａｍｐｌｅ．ｊｐ' },
    ]);
  });
});

describe('masking', () => {
  it('replaces each finding by its label, whatever the order of the findings', () => {
    const text = '山田さん 03-1111-2222';
    const findings: Finding[] = [
      { kind: 'phone', start: 5, end: 17, text: '03-1111-2222' },
      { kind: 'name', start: 0, end: 2, text: '山田' },
    ];
    expect(maskFindings(text, findings)).toBe('[氏名]さん [電話番号]');
    expect(maskFindings(text, [])).toBe(text);
    expect(maskFindings('x', [{ kind: 'record', start: 0, end: 1, text: 'x' }])).toBe('[ID]');
  });

  it('makes one label of findings of one kind separated by blanks only, never of other kinds or across words', () => {
    const at = (kind: Finding['kind'], text: string, whole: string): Finding => {
      const start = whole.indexOf(text);
      return { kind, start, end: start + text.length, text };
    };
    const text = '〒160-0023 新宿区西新宿7丁目 山田 03-1111-2222 と 090-1111-2222';
    const findings = [
      at('address', '160-0023', text),
      at('address', '新宿区西新宿7丁目', text),
      at('name', '山田', text),
      at('phone', '03-1111-2222', text),
      at('phone', '090-1111-2222', text),
    ];
    expect(maskFindings(text, findings)).toBe('〒[住所] [氏名] [電話番号] と [電話番号]');
  });

  it('masks to a fixed point, and refuses a masked text that still holds findings', async () => {
    // A detector that finds something in every text it is given never reaches a fixed point.
    const always = async (text: string): Promise<Finding[]> => [{ kind: 'name', start: 0, end: 1, text: text[0] }];
    await expect(maskToFixedPoint('山田さん', always)).rejects.toThrow(/masking left findings after 3 rounds/);
    // One that finds in the masked text what it missed first is asked again: the second round is masked too.
    let round = 0;
    const late = async (text: string): Promise<Finding[]> => {
      round++;
      const at = text.indexOf('田中');
      return round === 2 && at >= 0
        ? [{ kind: 'name', start: at, end: at + 2, text: '田中' }]
        : detectPersonalInformation(text);
    };
    expect((await maskToFixedPoint('山田さんと田中', late)).masked).toBe('[氏名]さんと[氏名]');
  });

  it('masks every kind the detector finds in one note', async () => {
    const text =
      '2025年2月3日，96歳の患者（患者番号 55501234）は夢見ヶ原記念病院へ．連絡は長男の健一さん 080-3333-4444 か kenichi@example.net へ．';
    const findings = await detectPersonalInformation(text);
    expect(maskFindings(text, findings)).toBe(
      '[日付]，[年齢]の患者（患者番号 [ID]）は[施設名]へ．連絡は長男の[氏名]さん [電話番号] か [メール] へ．',
    );
  });

  it('keeps the higher-ranked finding where two overlap, and the longer at equal rank', async () => {
    // 患者番号 (record, rank 7) holds a number shaped like a phone (rank 6): one record finding.
    expect(await found('患者番号 0312345678 を確認')).toEqual([['record', '0312345678']]);
    // The honorific alone gives ミサ (a katakana given name takes no kanji family); the tagged pair gives more.
    expect(await found('小林 ミサさんが来院．')).toEqual([['name', '小林 ミサ']]);
    // Findings that touch do not overlap: the postal code and the address written without a space.
    expect(await found('〒123-4567架空県夢見市本町1-2')).toEqual([
      ['address', '123-4567'],
      ['address', '架空県夢見市本町1-2'],
    ]);
    // A phone number is never an address's street number.
    expect(await found('架空県夢見市本町 03-1234-5678')).toEqual([
      ['address', '架空県夢見市本町'],
      ['phone', '03-1234-5678'],
    ]);
  });
});

describe('the scores', () => {
  it('read a test set of one JSON sentence a line, blank lines skipped, and refuse an unknown kind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-pii-'));
    const good = path.join(dir, 'good.jsonl');
    const s1 = { id: 'x1', text: '森さん', findings: [{ kind: 'name', start: 0, end: 1, text: '森' }] };
    const s2 = { id: 'x2', text: '所見なし', findings: [], note: 'negative' };
    writeFileSync(good, `${JSON.stringify(s1)}\n  \n${JSON.stringify(s2)}\n`);
    expect(readTestSet(good)).toEqual([s1, { id: 'x2', text: '所見なし', findings: [] }]);
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, JSON.stringify({ ...s1, findings: [{ ...s1.findings[0], kind: 'hobby' }] }));
    expect(() => readTestSet(bad)).toThrow(/kind/);
  });

  const sentence = (id: string, text: string, findings: Finding[]): AnnotatedSentence => ({ id, text, findings });
  const f = (kind: Finding['kind'], text: string, whole: string, shift = 0): Finding => {
    const start = whole.indexOf(text) + shift;
    return { kind, start, end: start + text.length, text };
  };

  it('count gold, found and matched findings by kind, exact and overlapping', async () => {
    const a = '連絡先 03-1234-5678 まで．';
    const b = '2024年5月6日に95歳の患者が来院．';
    const c = '特記事項なし．';
    const scores = await scoreDetector([
      // The phone found exactly; a gold e-mail the detector cannot find.
      sentence('a', a, [f('phone', '03-1234-5678', a), { kind: 'email', start: 0, end: 3, text: '連絡先' }]),
      // The date gold one character short (overlap only); the age not in the gold (a false positive).
      sentence('b', b, [{ kind: 'date', start: 0, end: 8, text: '2024年5月6' }]),
      sentence('c', c, []),
    ]);
    expect(scores.exact.phone).toEqual({ gold: 1, found: 1, matched: 1, precision: 1, recall: 1 });
    expect(scores.exact.email).toEqual({ gold: 1, found: 0, matched: 0, precision: 1, recall: 0 });
    expect(scores.exact.date).toEqual({ gold: 1, found: 1, matched: 0, precision: 0, recall: 0 });
    expect(scores.overlap.date).toEqual({ gold: 1, found: 1, matched: 1, precision: 1, recall: 1 });
    expect(scores.exact.age).toEqual({ gold: 0, found: 1, matched: 0, precision: 0, recall: 1 });
    expect(scores.exact.name).toEqual({ gold: 0, found: 0, matched: 0, precision: 1, recall: 1 });
    expect(scores.exact.all).toEqual({ gold: 3, found: 3, matched: 1, precision: 1 / 3, recall: 1 / 3 });
    expect(scores.overlap.all).toEqual({ gold: 3, found: 3, matched: 2, precision: 2 / 3, recall: 2 / 3 });
    expect(Object.keys(scores.exact)).toEqual([...KINDS, 'all']);
  });

  it('match each gold finding once, and only to a finding of its kind', async () => {
    const t = '03-1234-5678';
    const scores = await scoreDetector([
      sentence('d', t, [
        { kind: 'record', start: 0, end: 12, text: t },
        { kind: 'phone', start: 0, end: 12, text: t },
      ]),
      // A phone found where only a record is gold matches nothing.
      sentence('e', t, [{ kind: 'record', start: 0, end: 12, text: t }]),
    ]);
    expect(scores.exact.phone).toEqual({ gold: 1, found: 2, matched: 1, precision: 0.5, recall: 1 });
    expect(scores.overlap.record).toEqual({ gold: 2, found: 0, matched: 0, precision: 1, recall: 0 });
  });
});

describe('the part-of-speech tokenizer', () => {
  const t = (surface: string, start: number, [pos, pos1, pos2, pos3]: string[], unknown = false) => ({
    surface,
    start,
    pos,
    pos1,
    pos2,
    pos3,
    unknown,
  });

  it('gives IPADIC parts of speech and offsets across sentences, unknown words marked', async () => {
    expect(await posTokens('ヶ丘にて．彼は森さん')).toEqual([
      t('ヶ', 0, ['名詞', '一般', '*', '*'], true),
      t('丘', 1, ['名詞', '一般', '*', '*']),
      t('にて', 2, ['助詞', '格助詞', '一般', '*']),
      t('．', 4, ['記号', '句点', '*', '*']),
      t('彼', 5, ['名詞', '代名詞', '一般', '*']),
      t('は', 6, ['助詞', '係助詞', '*', '*']),
      t('森', 7, ['名詞', '固有名詞', '人名', '姓']),
      t('さん', 8, ['名詞', '接尾', '人名', '*']),
    ]);
    expect(await posTokens('ABCの3回目。')).toEqual([
      t('ABC', 0, ['名詞', '固有名詞', '組織', '*'], true),
      t('の', 3, ['助詞', '連体化', '*', '*']),
      t('3', 4, ['名詞', '数', '*', '*'], true),
      t('回', 5, ['名詞', '接尾', '助数詞', '*']),
      t('目', 6, ['名詞', '接尾', '一般', '*']),
      t('。', 7, ['記号', '句点', '*', '*']),
    ]);
    expect(await posTokens('')).toEqual([]);
  });
});

describe('names', () => {
  it('take the nouns before an honorific, not the honorific', async () => {
    expect(await found('本日，山本さんが外来を受診した．')).toEqual([['name', '山本']]);
    expect(await found('担当看護師の佐藤様へ申し送り．')).toEqual([['name', '佐藤']]);
    expect(await found('内田先生の外来へ．鈴木医師が執刀した．')).toEqual([
      ['name', '内田'],
      ['name', '鈴木'],
    ]);
    expect(await found('はなちゃんは3歳．三郎君と二郎くんが来た．')).toEqual([
      ['name', 'はな'],
      ['name', '三郎'],
      ['name', '二郎'],
    ]);
    expect(await found('今日は伊藤 さんの誕生日．')).toEqual([['name', '伊藤']]);
    expect(await found('森さん と 林さん．')).toEqual([
      ['name', '森'],
      ['name', '林'],
    ]);
  });

  it('join a family name before a space to the given name', async () => {
    expect(await found('田村 聡子様 は独居．')).toEqual([['name', '田村 聡子']]);
    expect(await found('高橋 直樹 氏より紹介状あり．')).toEqual([['name', '高橋 直樹']]);
    expect(await found('大河原 さくらさん．')).toEqual([['name', '大河原 さくら']]);
    expect(await found('長宗我部 元親さん．')).toEqual([['name', '長宗我部 元親']]);
    expect(await found('ジョン スミスさん に説明．')).toEqual([['name', 'ジョン スミス']]);
    expect(await found('マイケル・ジョンソンさんが入院．')).toEqual([['name', 'マイケル・ジョンソン']]);
  });

  it('join no family name longer than 4 kanji or 8 katakana before a space', async () => {
    const names = async (text: string) => (await found(text)).map(([, t]) => t);
    expect(await names('カトウ ミサさんが来院．')).toEqual(['カトウ ミサ']);
    const katakana = await names('アンダーソンスミス ミサさんが来院．'); // 9 katakana
    expect(katakana).toContain('ミサ');
    expect(katakana).not.toContain('アンダーソンスミス ミサ');
    const kanji = await names('大河内山田 花子さんが来院．'); // 5 kanji
    expect(kanji).toContain('花子');
    expect(kanji).not.toContain('大河内山田 花子');
  });

  it('take no pronoun, no word that merely starts with an honorific, no overlong run', async () => {
    expect(await found('彼さん．彼女さんに聞く．私さん．')).toEqual([]);
    expect(await found('担当さんから連絡．家族さんへ説明．')).toEqual([]);
    expect(await found('さんま定食を食べた．様子を見る．')).toEqual([]);
    expect(await found('アレクサンドリアエリザベスヴィクトリアカトリーナウィルヘルミナさん．')).toEqual([]);
  });

  it('take the name after a role or kinship label, and a given name after a space', async () => {
    expect(await found('主治医 松田 より説明．')).toEqual([['name', '松田']]);
    expect(await found('主治医 松田 健 より説明．')).toEqual([['name', '松田 健']]);
    expect(await found('長女 恵 が来院し，付き添った．')).toEqual([['name', '恵']]);
    expect(await found('記載者：Ns.岡田')).toEqual([['name', '岡田']]);
    expect(await found('キーパーソンは長男 大輔．')).toEqual([['name', '大輔']]);
    expect(await found('患者本人 中島 より聴取．Dr.木村 が回診．')).toEqual([
      ['name', '中島'],
      ['name', '木村'],
    ]);
    expect(await found('担当医：長谷川 から連絡．看護師 あおい が対応．')).toEqual([
      ['name', '長谷川'],
      ['name', 'あおい'],
    ]);
    expect(await found('妻 ヨウコ が来院．')).toEqual([['name', 'ヨウコ']]);
    expect(await found('祖母 正 が同席．')).toEqual([['name', '正']]);
    expect(await found('主治医 松田 ありがとう．')).toEqual([['name', '松田']]);
  });

  it('take up to six kanji, or a katakana name joined by ・, before an honorific', async () => {
    expect(await found('佐々木真由美さんが来院．')).toEqual([['name', '佐々木真由美']]);
    expect(await found('マリア・エリザベス・ヴィクトリアさんが入院．')).toEqual([
      ['name', 'マリア・エリザベス・ヴィクトリア'],
    ]);
    expect(await found('ウィリアムズ ジェーンさん．')).toEqual([['name', 'ウィリアムズ ジェーン']]);
    expect(await found('さんが来た．毛様体炎の所見．')).toEqual([]);
    // No family name before the space: punctuation.
    expect(await found('連絡あり． 花子さんへ伝達．')).toEqual([['name', '花子']]);
    // Nor a kana word: ママ is not はな's family name.
    expect(await found('ママ はなちゃんと来院．')).toEqual([['name', 'はな']]);
    // A number after the honorific is not a compound.
    expect(await found('山田さん二人が来院．')).toEqual([['name', '山田']]);
  });

  it('take a katakana, hiragana or kanji given name after a label', async () => {
    expect(await found('長男 ケン が来院．長女 まさみ が同席．')).toEqual([
      ['name', 'ケン'],
      ['name', 'まさみ'],
    ]);
    expect(await found('主治医 松田 ケン より．')).toEqual([['name', '松田 ケン']]);
    expect(await found('主治医 松田 外来にて説明．')).toEqual([['name', '松田']]);
    // After a label, a kana word is a name only when tagged as one.
    expect(await found('本人 リハビリ意欲あり．')).toEqual([]);
    expect(await found('娘 美咲 と 息子 翔太．')).toEqual([
      ['name', '美咲'],
      ['name', '翔太'],
    ]);
  });

  it('take a surname and a given name both tagged as person names', async () => {
    expect(await found('佐藤 花子 と 鈴木花子．')).toEqual([
      ['name', '佐藤 花子'],
      ['name', '鈴木花子'],
    ]);
    expect(await found('中村 澄夫は本日退院．')).toEqual([['name', '中村 澄夫']]);
    expect(await found('吉田 一郎の家族に連絡．')).toEqual([['name', '吉田 一郎']]);
    expect(await found('中村 様子を見る．')).toEqual([]);
  });

  it('let eponyms and scales pass', async () => {
    expect(await found('橋本病で通院中．長谷川式で20点．ベーチェット病の疑い．')).toEqual([]);
  });
});

describe('facilities', () => {
  it('take a specific name before 病院, クリニック, 医院, or a proper name before a department', async () => {
    expect(await found('当院から夢見台中央病院へ転院．')).toEqual([['facility', '夢見台中央病院']]);
    expect(await found('近医の架空クリニックから紹介．')).toEqual([['facility', '架空クリニック']]);
    expect(await found('前医の山田内科医院で加療．')).toEqual([['facility', '山田内科医院']]);
    expect(await found('ひまわり台整形外科を受診．')).toEqual([['facility', 'ひまわり台整形外科']]);
    expect(await found('架空病院内科を受診．')).toEqual([['facility', '架空病院']]);
    expect(await found('さくら・みらい病院へ紹介．')).toEqual([['facility', 'さくら・みらい病院']]);
    expect(await found('山田内科を受診．架空クリニック小児科を受診．')).toEqual([
      ['facility', '山田内科'],
      ['facility', '架空クリニック'],
    ]);
    expect(await found('国立病院機構夢見医療センター病院へ．')).toEqual([
      ['facility', '国立病院機構夢見医療センター病院'],
    ]);
  });

  it('take no generic hospital or bare department', async () => {
    expect(await found('総合病院への紹介を検討．眼科を受診．大学病院で精査．')).toEqual([]);
    expect(await found('当院救急外来を受診．県立病院へ．')).toEqual([]);
    expect(await found('循環器内科を受診．')).toEqual([]);
  });

  it('take no hospital named only by generic words: 当, 近, 他, 市立, 急性期 ...', async () => {
    // Each in front of 病院 on its own, and 近 in front of 医院.
    const words =
      '当 前 他 同 総合 大学 市立 県立 国立 公立 私立 専門 地域 救急 一般 精神 小児 附属 付属 関連 紹介 基幹 拠点 中核 急性期 療養';
    const generic = words.split(' ');
    const text = generic.map((g) => `${g}病院へ．`).join('') + '近医院へ．';
    expect(await found(text)).toEqual([]);
  });
});
