// The shape rules of the code base (README "Layout"): no import cycle, type-only imports included, and
// no module in src/ over 350 lines.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import madge from 'madge';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const MAX_LINES = 350;

/** The import graph of `dirs` under `base`, `.js` specifiers resolved to `.ts` files, `import type` kept. */
const importGraph = (base: string, dirs: string[]) =>
  madge(
    dirs.map((d) => path.join(base, d)),
    {
      baseDir: base,
      fileExtensions: ['ts'],
      tsConfig: path.join(base, 'tsconfig.json'),
      detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
    },
  );

describe('layout', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-layout-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the cycle check sees a cycle made only of `import type` (so the next test can fail)', async () => {
    writeFileSync(path.join(scratch, 'tsconfig.json'), readFileSync(path.join(root, 'tsconfig.json')));
    writeFileSync(path.join(scratch, 'a.ts'), "import type { B } from './b.js';\nexport type A = { b?: B };\n");
    writeFileSync(path.join(scratch, 'b.ts'), "import type { A } from './a.js';\nexport type B = { a?: A };\n");
    expect((await importGraph(scratch, ['.'])).circular()).toEqual([['a.ts', 'b.ts']]);
  });

  it('has no import cycle in src/, tasks/ or handlers/, type-only imports included', async () => {
    const graph = await importGraph(root, ['src', 'tasks', 'handlers']);
    // The walk really followed the imports: the root reaches its modules through `.js` specifiers.
    expect(graph.obj()['src/services.ts']).toContain('src/services/run.ts');
    expect(graph.circular()).toEqual([]);
  });

  it(`keeps every module of src/ within ${MAX_LINES} lines`, () => {
    const long = readdirSync(path.join(root, 'src'), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .map((file) => ({ file, lines: readFileSync(path.join(root, file), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
