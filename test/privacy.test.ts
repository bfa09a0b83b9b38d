// The personal-information detector on the test set written before it (test/fixtures/pii), against the
// targets of issue 14; and a few sentences that are not in the test set.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPersonalInformation, maskFindings } from '../src/privacy/detect.js';
import { readTestSet, scoreDetector, TARGETS } from '../src/privacy/score.js';
import { dataPolicyOf, parseRegistry } from '../src/models/registry.js';
import { FIXTURES } from './helpers.js';

describe('the personal-information detector', () => {
  it('meets the targets on the test set (exact span match)', async () => {
    const scores = await scoreDetector(readTestSet(path.join(FIXTURES, 'pii', 'testset.jsonl')));
    for (const [kind, target] of Object.entries(TARGETS.recall))
      expect(scores.exact[kind as keyof typeof TARGETS.recall].recall, kind).toBeGreaterThanOrEqual(target);
    expect(scores.exact.all.precision).toBeGreaterThanOrEqual(TARGETS.precision.all);
  }, 240_000);

  it('keeps spans on the original text when matching on its NFKC copy', async () => {
    const text = '連絡先 ０３－９８７６－５４３２（佐々木 花子様）';
    const found = await detectPersonalInformation(text);
    expect(found.map((f) => [f.kind, f.text])).toEqual([
      ['phone', '０３－９８７６－５４３２'],
      ['name', '佐々木 花子'],
    ]);
    expect(maskFindings(text, found)).toBe('連絡先 [電話番号]（[氏名]様）');
  });

  it('lets eponyms, relative dates, doses and lab values pass', async () => {
    const text = '橋本病とクローン病の既往．術後6日目にCRP 3.2 mg/dL，第3病日から80歳代の母が付き添い．';
    expect(await detectPersonalInformation(text)).toEqual([]);
  });
});

describe('the data policy of a model', () => {
  const policies = (text: string) => parseRegistry(text, 'models.yml').map((m) => [m.alias, dataPolicyOf(m)]);

  it('is external by default, on-premises where the file says so, and always external for the OpenAI API', () => {
    expect(
      policies(`models:
  a: { provider: openai-compatible, model: m, baseUrl: "http://10.0.0.5/v1" }
  b: { provider: openai-compatible, model: m, baseUrl: "http://10.0.0.5/v1", dataPolicy: on-premises }
  c: { provider: openai, model: gpt-4o, dataPolicy: on-premises }
  d: { provider: baseline }`),
    ).toEqual([
      ['a', 'external'],
      ['b', 'on-premises'],
      ['c', 'external'],
      ['d', 'on-premises'],
    ]);
  });

  it('names a wrong value', () => {
    expect(() => policies('models:\n  a: { provider: openai, model: m, dataPolicy: local }')).toThrow(
      /models\.a\.dataPolicy/,
    );
  });
});
