// Issue 22: a live run takes the paper's documents by default (NER the open models' rows, RE a seeded sample of
// 1,000, HS-PN the paper's 20 cases) and every row with --documents all; stored runs keep the rows they had.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Release } from '../src/release/release.js';
import {
  documentSetOf,
  documentsOf,
  evaluationDocuments,
  OPEN_MODEL_DIRS,
  RE_SAMPLE,
  sampleOf,
  setsDiffer,
} from '../src/tasks/documents.js';
import { SHOTS } from '../src/tasks/types.js';
import { TASKS, TASKS_BY_ID } from '../tasks/index.js';
import { releaseDir } from './helpers.js';

const MAIN = path.resolve(__dirname, '../src/cli/main.ts');
const data = releaseDir();

function jcb(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const task = (id: string) => TASKS_BY_ID.get(id)!;
const ids = (docs: readonly { id: string }[]) => docs.map((d) => d.id);

describe('sampleOf', () => {
  it('draws the same rows for the same seed, in their given order, without repeats', () => {
    const rows = Array.from({ length: 50 }, (_, i) => i);
    const a = sampleOf(rows, 10, 7);
    expect(a).toEqual(sampleOf(rows, 10, 7));
    expect(new Set(a).size).toBe(10);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(sampleOf(rows, 10, 8)).not.toEqual(a);
    expect(sampleOf(rows.slice(0, 4), 10, 7)).toEqual([0, 1, 2, 3]);
  });
});

describe.skipIf(!data)('document sets on the release', () => {
  const release = new Release(data!);

  it("NER's paper rows are the five open models' rows (the release's ID, sentence and gold), for each shot", () => {
    for (const id of ['ner-d', 'ner-med'])
      for (const shot of SHOTS) {
        const paper = documentsOf(task(id), release, shot);
        expect(paper).toHaveLength(1000);
        for (const dir of OPEN_MODEL_DIRS) {
          const file = release
            .generationFiles()
            .find((f) => f.folder === task(id).folder && f.modelDir === dir && f.name === `${shot}_shot`)!;
          const rows = release.generationRows(file.path);
          expect(paper.map((d) => d.id.split('-').slice(0, 2).map(Number))).toEqual(rows.map((r) => r.ID));
          expect(paper.map((d) => d.gold)).toEqual(rows.map((r) => task(id).fromGeneration(r).gold));
        }
        expect(documentsOf(task(id), release, shot, 'all')).toHaveLength(2584);
      }
  });

  it('RE: a seeded sample of 1,000 rows, the same for both shots and on every machine; all: every row', () => {
    for (const id of ['re-ent', 're-time']) {
      const one = documentsOf(task(id), release, 'one');
      expect(one).toHaveLength(RE_SAMPLE.size);
      expect(ids(documentsOf(task(id), release, 'zero'))).toEqual(ids(one));
      expect(ids(one)).not.toContain('0');
      const numbers = ids(one).map(Number);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
    // Pinned: the sample must not move between machines or versions without saying so (seed 22, mulberry32).
    const sample = ids(documentsOf(task('re-ent'), release, 'one'));
    expect(sample.slice(0, 5)).toEqual(PINNED_RE_ENT_START);
    expect(createHash('sha256').update(sample.join(',')).digest('hex').slice(0, 16)).toBe(PINNED_RE_ENT_HASH);
    expect(documentsOf(task('re-ent'), release, 'one', 'all')).toHaveLength(5994);
    expect(documentsOf(task('re-ent'), release, 'zero', 'all')).toHaveLength(5995);
  });

  it("HS-PN: the paper's 20 cases, or the release's 95 (the first 20 the same); one-shot leaves out its example", () => {
    const hs = task('hs-pn');
    expect(documentsOf(hs, release, 'zero')).toHaveLength(20);
    expect(documentsOf(hs, release, 'one')).toHaveLength(19);
    const all = documentsOf(hs, release, 'zero', 'all');
    expect(all).toHaveLength(95);
    expect(documentsOf(hs, release, 'one', 'all')).toHaveLength(94);
    expect(all.slice(0, 20)).toEqual(documentsOf(hs, release, 'zero'));
  });

  it('a run stored before document sets plans the rows it was planned on; settings whose sets agree are on paper', () => {
    for (const t of TASKS)
      for (const shot of SHOTS) {
        expect(ids(documentsOf(t, release, shot, null))).toEqual(ids(evaluationDocuments(t, release, shot)));
        if (!setsDiffer(t))
          expect(ids(documentsOf(t, release, shot, 'all'))).toEqual(ids(documentsOf(t, release, shot)));
      }
    expect(TASKS.filter(setsDiffer).map((t) => t.id)).toEqual(['hs-pn', 'ner-d', 'ner-med', 're-ent', 're-time']);
    expect(documentSetOf(task('re-ent'), null)).toBe('all');
    expect(documentSetOf(task('hs-pn'), null)).toBe('paper');
    expect(documentSetOf(task('mr'), 'all')).toBe('paper');
  });

  it('a live dry run of re-ent counts 1,000 documents by default and 5,994 with --documents all', async () => {
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-docsets-')), 'jcb.sqlite');
    const env = { JCB_DATA_DIR: data!, JCB_STORE: store };
    const paper = await jcb(['eval', 're-ent', 'gpt-4o-live', '--dry-run', '--json'], env);
    expect(paper.code).toBe(0);
    expect(JSON.parse(paper.out)).toMatchObject({
      documentSet: 'paper',
      documents: 1000,
      other: { documentSet: 'all', documents: 5994 },
    });
    // Its text names the other choice (`--documents all` is the same estimate with the sets swapped).
    expect(
      (await jcb(['eval', 'hs-pn', 'gpt-4o-live', '--dry-run', '--documents', 'all', '--shot', 'zero'], env)).out,
    ).toMatch(
      /Documents 95 · calls 95[\s\S]*With --documents paper \(the default, the paper's documents\): 20 documents/,
    );
    const bad = await jcb(['eval', 're-ent', 'gpt-4o-live', '--dry-run', '--documents', 'some'], env);
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toEqual(['jcb: --documents must be "paper" or "all", not "some".']);
  }, 120_000);
});

const PINNED_RE_ENT_START = ['10', '13', '18', '20', '32'];
const PINNED_RE_ENT_HASH = 'fdd655d5f8ef16be';
