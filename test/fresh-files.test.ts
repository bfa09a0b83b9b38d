// A long-running process (the bot) sees the files an operator changes without a restart: task files edited,
// added or removed, a pack pulled or made private, the facility list edited. Each is looked at (a stat) before
// the next request, not cached for the life of the process.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredDetector } from '../src/privacy/facility-list.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, FIXTURES, inThreadTokenizer } from './helpers.js';

const OWN = path.join(FIXTURES, 'task-files', 'own');
const tmp = (what: string) => mkdtempSync(path.join(os.tmpdir(), `jcb-fresh-${what}-`));

/** Writes `text` to `file` with an mtime a second later than it had (two writes within one tick still differ). */
function rewrite(file: string, text: string): void {
  writeFileSync(file, text);
  const later = new Date(Date.now() + 1000);
  utimesSync(file, later, later);
}

describe('task files, as a long-running bot sees them', () => {
  const own = tmp('own');
  cpSync(OWN, own, { recursive: true });
  const packs = tmp('packs');
  const pulled = tmp('pulled');
  mkdirSync(path.join(packs, 'demo'));
  writeFileSync(path.join(packs, 'demo', 'pack.yml'), 'private: false\n');
  const packed = readFileSync(path.join(OWN, 'triage.yml'), 'utf8')
    .replace('id: triage', 'id: triage-pack')
    .replace('data:\n', 'data:\n  from: Demo\n');
  writeFileSync(path.join(packs, 'demo', 'triage-pack.yml'), packed);
  const services = createServices({
    env: { ...FIXTURE_ENV, JCB_TASKS: own, JCB_PACKS_TASKS: packs, JCB_PACKS_DIR: pulled },
    tokenizer: inThreadTokenizer(),
    threads: 0,
  });
  afterAll(() => services.close());
  const declared = () => services.tasks().filter((t) => t.source !== 'built-in');
  const ids = () => declared().map((t) => t.id);

  it('loads them once the services start, the pack not pulled yet', () => {
    expect(ids()).toEqual(['meds', 'triage']);
    expect(services.taskFileProblems().map((p) => p.key)).toEqual(['data.from']);
  });

  it('sees an edited task file on the next call', () => {
    const file = path.join(own, 'triage.yml');
    rewrite(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: Triage, edited'));
    expect(declared().find((t) => t.id === 'triage')?.title).toBe('Triage, edited');
  });

  it('sees an edited data file on the next call: broken, then mended', () => {
    const csv = path.join(own, 'triage.csv');
    const good = readFileSync(csv, 'utf8');
    rewrite(csv, 'id,note\n');
    expect(ids()).toEqual(['meds']);
    expect(services.taskFileProblems().some((p) => p.id === 'triage')).toBe(true);
    rewrite(csv, good);
    expect(ids()).toEqual(['meds', 'triage']);
  });

  it('sees an added and a removed task file on the next call', () => {
    writeFileSync(path.join(own, 'meds2.yml'), readFileSync(path.join(own, 'meds.yml'), 'utf8').replace('id: meds', 'id: meds2'));
    expect(ids()).toContain('meds2');
    rmSync(path.join(own, 'meds2.yml'));
    expect(ids()).not.toContain('meds2');
  });

  it('sees a pack pulled (its folder appearing whole) on the next call, and its manifest made private', () => {
    const staged = tmp('staged');
    cpSync(path.join(OWN, 'triage.csv'), path.join(staged, 'triage.csv'));
    cpSync(staged, path.join(pulled, 'Demo'), { recursive: true });
    expect(ids()).toContain('triage-pack');
    expect(services.taskFileProblems().filter((p) => p.key === 'data.from')).toEqual([]);
    expect(declared().find((t) => t.id === 'triage-pack')?.private).toBe(false);
    rewrite(path.join(packs, 'demo', 'pack.yml'), 'private: true\n');
    expect(declared().find((t) => t.id === 'triage-pack')?.private).toBe(true);
  });
});

describe('the facility list (JCB_FACILITIES), as a long-running detector sees it', () => {
  it('finds a name added to the list on the next check', { timeout: 60_000 }, async () => {
    const list = path.join(tmp('facilities'), 'facilities.txt');
    writeFileSync(list, '# none yet\n');
    const detect = configuredDetector({ JCB_FACILITIES: list });
    const text = '三つ葉会へ紹介．';
    const kinds = async () => (await detect(text)).map((f) => [f.kind, f.text]);
    expect(await kinds()).toEqual([]);
    rewrite(list, '三つ葉会\n');
    expect(await kinds()).toEqual([['facility', '三つ葉会']]);
  });
});
