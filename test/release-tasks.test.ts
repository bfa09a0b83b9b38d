// The task modules' declarations checked against the release itself (skipped without it): every folder
// holds both prompt templates, whose placeholders are the fields the loader fills, and every one-shot
// example is a document of the setting that the one-shot generation files leave out. test/task-modules.test.ts
// pins the same values for the mutation run, which has no release.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Release } from '../src/release/release.js';
import { TASKS } from '../tasks/index.js';
import { releaseDir } from './helpers.js';

const dir = releaseDir();

describe.skipIf(!dir)('the task modules against the release', () => {
  const release = new Release(dir!);
  const placeholders = (folder: string, shot: string) =>
    [...new Set(release.template(folder, shot as 'one' | 'zero').match(/<[a-z_]+>/g) ?? [])].sort();

  it.each(TASKS.map((t) => [t.id, t] as const))('%s', (_, t) => {
    const docs = t.loadDocuments(release);
    expect(docs.length).toBeGreaterThan(0);
    const fields = [...new Set(docs.flatMap((d) => Object.keys(d.fields)))].map((f) => `<${f}>`).sort();
    // The template's own tags (<d>, <e1>...) are not placeholders, and RE's source file fills none. The
    // one-shot template uses every field; the zero-shot one has no example (HS-DS: no <example_res>).
    const used = (shot: string) => placeholders(t.folder, shot).filter((p) => fields.includes(p));
    expect(used('one')).toEqual(fields.filter((f) => f !== '<source>'));
    expect(fields).toEqual(expect.arrayContaining(used('zero')));
    const ids = new Set(docs.map((d) => d.id));
    for (const id of t.oneShotExamples) expect(ids.has(id)).toBe(true);
    const oneShot = path.join(dir!, 'data', 'generated', t.folder, 'gpt-4o', 'one_shot.json');
    if (t.oneShotExamples.length && existsSync(oneShot) && t.fromGeneration(release.generationRows(oneShot)[0]).id) {
      const generated = new Set(release.generationRows(oneShot).map((r) => t.fromGeneration(r).id));
      for (const id of t.oneShotExamples) expect(generated.has(id)).toBe(false);
    }
    expect(readFileSync(path.join(dir!, 'data', 'benchmarks', t.folder, 'prompt_one_shot.txt'), 'utf8')).not.toBe('');
  });
});
