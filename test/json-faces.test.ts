// `--json` and the text of a command carry the same rows: what a person reads in the terminal, a script reads
// in the JSON (the private-access audit, task files left out, whether a file matches the release, the source
// and licence of a declared task).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_ENV } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';
import { PRIVATE_TASKS } from './private-fixture.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'jcb-faces-'));
const batch = jcbBatch({
  env: { ...FIXTURE_ENV, JCB_STORE: path.join(tmp(), 'jcb.sqlite'), JCB_TASKS: PRIVATE_TASKS, COLUMNS: '200' },
});
afterAll(() => batch.close());
const jcb = async (args: string[], env: Record<string, string | undefined> = {}) => {
  const r = await batch.run(args, env);
  expect(r.code, r.err).toBe(0);
  return r.out;
};
const both = async (args: string[], env: Record<string, string | undefined> = {}) =>
  [await jcb(args, env), JSON.parse(await jcb([...args, '--json'], env)) as unknown] as const;

describe('--json carries the rows its text shows', () => {
  it('audit: the free text sent and the views of private tasks', async () => {
    await jcb(['run', 'ward-meds', 'baseline']);
    const [text, json] = await both(['audit']);
    const { freeText, privateAccess } = json as { freeText: unknown[]; privateAccess: { task: string; act: string }[] };
    expect(freeText).toEqual([]);
    expect(text).toContain('No free text has been sent to a model.');
    const shown = text.split("Private tasks' data")[1].split('\n').filter((l) => / ward-meds /.test(l));
    expect(privateAccess.length).toBeGreaterThan(0);
    expect(privateAccess.map((a) => `${a.act} ${a.task}`)).toEqual(
      shown.map((l) => /\s(\S+)\s+ward-meds\s/.exec(l)![1] + ' ward-meds'),
    );
  });

  it('tasks: the task files left out, each with its file and key', async () => {
    const [text, json] = await both(['tasks'], { JCB_PACKS_DIR: tmp() });
    const { tasks, problems } = json as { tasks: { id: string }[]; problems: { file: string; key: string }[] };
    expect(tasks.map((t) => t.id)).toContain('ward-meds');
    const leftOut = text.split('Left out')[1];
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(leftOut).toContain(`${p.file}: ${p.key}:`);
  });

  it('score: whether each file matches the release', async () => {
    const [text, json] = await both(['score']);
    const rows = json as { file: string; matchesRelease: boolean | null }[];
    const shown = (m: boolean | null) => (m === null ? '(no results file)' : m ? 'matches' : 'DIFFERS');
    for (const r of rows) expect(text).toMatch(new RegExp(`${r.file}.*${shown(r.matchesRelease).replace(/[()]/g, '\\$&')}`));
    expect(rows.some((r) => r.matchesRelease !== null)).toBe(true);
  });

  it('eval: the source and licence of a declared task', async () => {
    const [text, json] = await both(['eval', 'ward-meds', 'baseline', '--shot', 'zero']);
    const [outcome] = (json as { outcomes: { task: string; about?: string }[] }).outcomes;
    expect(outcome.about).toMatch(/^private data · task file/);
    expect(text).toContain(`ward-meds: ${outcome.about}`);
  });
});
