// Threads a clinician can trust (issue 30): for each of the 13 settings, the thread of documents chosen for their
// shape (empty factor lines, several gold answers, cut-off outputs, duplicates, overlapping spans, continuations)
// by scripts/hard-documents.ts, whose ids are in test/fixtures/hard-documents.json. The release is read at run
// time; the snapshots hold our own words, marks and counts, the release's text masked (never committed).
// Scores are guarded by test/conformance.test.ts and test/zero-shot-snapshot.test.ts, not by these snapshots.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplies, type Message } from '../handlers/blocks/run.js';
import { MARKS_LEGEND } from '../src/base/format.js';
import { renderRun } from '../src/cli/render.js';
import { createServices } from '../src/services/index.js';
import { explanationText } from '../src/tasks/explanation.js';
import { TASK_IDS } from '../src/tasks/types.js';
import { findHardDocuments, type HardDocument } from '../scripts/hard-documents.js';
import { FIXTURES, inThreadTokenizer, releaseDir } from './helpers.js';

const dir = releaseDir();
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'hard-documents.json'), 'utf8')) as HardDocument[];

/** Our characters kept as they are; any other character outside ASCII is the release's and is masked. */
const OURS = /[^\x00-\x7f✓✗†‡–—·×→…“”‹›⚠─]+/gu;
/** A string of a thread with the release's text masked: code blocks by their length, other text by `〇×n`. */
const mask = (s: string) =>
  s
    .replace(/```([\s\S]*?)```/g, (_, body: string) => `‹code, ${Array.from(body).length} characters›`)
    .replace(OURS, (run) => `〇×${Array.from(run).length}`);
const masked = (x: unknown): unknown =>
  typeof x === 'string'
    ? mask(x)
    : Array.isArray(x)
      ? x.map(masked)
      : x && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, masked(v)]))
        : x;

const textOf = (m: Message) => JSON.stringify(m.blocks);

describe('the hard-documents fixture', () => {
  it('names documents of every one of the 13 settings', () => {
    expect([...new Set(fixture.map((d) => d.task))].sort()).toEqual([...TASK_IDS].sort());
  });

  it.skipIf(!dir)(
    'is what scripts/hard-documents.ts finds in the release today',
    async () => {
      expect(await findHardDocuments({ ...process.env, JCB_DATA_DIR: dir })).toEqual(fixture);
    },
    300_000,
  );
});

describe.skipIf(!dir)('threads of the hard documents, per setting', () => {
  const services = createServices({ env: { ...process.env, JCB_DATA_DIR: dir }, tokenizer: inThreadTokenizer() });
  afterAll(() => services.close());
  const run = (d: HardDocument) =>
    services.run({ task: d.task, model: d.model, doc: d.doc, shot: d.shot as 'one' | 'zero' });

  for (const task of TASK_IDS) {
    describe(task, () => {
      for (const d of fixture.filter((x) => x.task === task)) {
        it(`${d.shape}: ${d.model} ${d.shot}-shot ${d.doc}`, async () => {
          const r = await run(d);
          const thread = runReplies(r);
          // Both faces say why from the same values.
          const why = explanationText(r.explanation!);
          expect(JSON.stringify(thread)).toContain('Why this score');
          expect(renderRun(r)).toContain(why);
          // Marks travel with their legend, in every message.
          for (const m of thread) if (/[✓✗]|\+\[|\\n\+ /.test(textOf(m))) expect(textOf(m)).toContain(MARKS_LEGEND);
          expect(masked(thread)).toMatchSnapshot();
        });
      }
    });
  }
});

describe.skipIf(!dir)('the misreadings of issue 30, fixed', () => {
  const services = createServices({ env: { ...process.env, JCB_DATA_DIR: dir }, tokenizer: inThreadTokenizer() });
  afterAll(() => services.close());
  const shaped = (task: string, shape: string) => fixture.find((d) => d.task === task && d.shape === shape)!;
  const run = (d: Pick<HardDocument, 'task' | 'model' | 'doc' | 'shot'>) =>
    services.run({ task: d.task, model: d.model, doc: d.doc, shot: d.shot as 'one' | 'zero' });

  it('DC-TMN: an empty factor line is said to be empty, and the next line read in its place is named', async () => {
    const r = await run({ task: 'dc-tnm', model: 'gpt-5', doc: '2560353', shot: 'one' });
    expect(r.output).toBe('T因子: \nN因子: \nM因子:');
    expect(r.parse.problem).toBe('M因子: line empty');
    const why = explanationText(r.explanation!);
    expect(why).toContain("T: T因子: line empty; the release's reading took the next line's “N因子:”");
    expect(why).toContain('M: M因子: line empty, nothing read');
    expect(JSON.stringify(runReplies(r))).not.toContain('no M因子: line');
  });

  it('ExamQA: every gold option shown, scored on the first as the paper did', async () => {
    const r = await run({ task: 'examqa', model: 'gpt-4o', doc: '114D66', shot: 'zero' });
    expect(r.explanation).toMatchObject({ kind: 'choice', gold: [1, 5], scoredOn: 1 });
    expect(explanationText(r.explanation!)).toContain('gold options 1, 5: scored on the first (1), as the paper did');
  });

  it('MR: a cut-off list says so, names its empty item, and counts items read, repeats and distinct', async () => {
    const d = shaped('mr', 'cut-off output');
    const r = await run(d);
    expect(r.explanation).toMatchObject({ kind: 'set', stop: { at: 'cut off' } });
    const e = r.explanation as Extract<typeof r.explanation, { kind: 'set' }>;
    expect(e.read - e.repeats).toBe(e.distinct);
    expect(e.tp + e.fp).toBe(e.distinct);
    expect(explanationText(e)).toMatch(/cut off mid-list.*\d+ items read .*→ \d+ distinct/);
    const llmJp = await run({ task: 'mr', model: 'llm-jp', doc: '12_118B35_緊張性気胸_p1', shot: 'zero' });
    expect(JSON.stringify(runReplies(llmJp))).toContain('+ (empty item)');
  });

  it('RE-Ent: the line of scores starts with the headline metric, F1', async () => {
    const r = await run(shaped('re-ent', 'continuation'));
    expect(Object.keys(r.metrics)[0]).toBe('f1');
    expect(explanationText(r.explanation!)).toContain('scoring read the first answer only');
    expect(explanationText(r.explanation!)).toContain('the model went on with an example of its own');
  });

  it('NER: a prediction overlapping gold spans shows the missed gold spans and the extra one, as text', async () => {
    const r = await run(shaped('ner-d', 'overlapping spans'));
    const [, gold] = runReplies(r);
    // The marks and columns, after the raw output's code block (which shows the tags as the model wrote them).
    const shown = JSON.stringify(gold.blocks.slice(2));
    expect(shown).toContain('✗[');
    expect(shown).toContain('+[');
    expect(shown).not.toMatch(/&lt;d&gt;/);
  });
});
