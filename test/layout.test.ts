// The shape rules of the code base (README "Layout"): every folder in one layer, imports only downward (type-only
// imports included), no circle of rooms, no import cycle, no module in src/ over 350 lines, and the README's folder
// map naming every folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import madge from 'madge';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const MAX_LINES = 350;

/**
 * The layers, top to bottom (README "Layout"): a room may import its own layer's rooms and any layer below.
 * A room is a file's folder under `src/` (e.g. `src/models`), else its top-level folder (`tasks`, `handlers`).
 */
const LAYERS: readonly { name: string; rooms: readonly string[] }[] = [
  { name: 'faces', rooms: ['src/cli', 'handlers', 'bench', 'scripts'] },
  { name: 'orchestration', rooms: ['src/services', 'src/queue'] },
  { name: 'capabilities', rooms: ['src/evaluation', 'src/privacy', 'src/leaderboard', 'src/judge', 'src/ratings'] },
  { name: 'domain', rooms: ['src/command', 'tasks', 'src/tasks', 'src/models', 'src/policy'] },
  { name: 'data', rooms: ['src/store', 'src/release'] },
  { name: 'base', rooms: ['src/metrics', 'src/base'] },
];
const LAYER_OF = new Map(LAYERS.flatMap((l, i) => l.rooms.map((r) => [r, i] as const)));

/** `src/models/replay.ts` → `src/models`; `tasks/mr.ts` → `tasks`; a root file of src/ is its own room. */
const roomOf = (file: string) => {
  const parts = file.split('/');
  return parts[0] === 'src' ? (parts.length > 2 ? `src/${parts[1]}` : file) : parts[0];
};

/** Every import from a room to a room of a higher layer (or to a file in no layer), as `from → to`. */
function upwardImports(graph: Record<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [from, tos] of Object.entries(graph)) {
    for (const to of tos) {
      const [a, b] = [LAYER_OF.get(roomOf(from)), LAYER_OF.get(roomOf(to))];
      if (a === undefined || b === undefined || b < a) bad.push(`${from} → ${to}`);
    }
  }
  return bad;
}

/** The circles of rooms (strongly connected sets of more than one room), each sorted. */
function roomCircles(graph: Record<string, string[]>): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const [from, tos] of Object.entries(graph)) {
    for (const to of tos) {
      if (roomOf(from) !== roomOf(to)) {
        edges.set(roomOf(from), (edges.get(roomOf(from)) ?? new Set()).add(roomOf(to)));
      }
    }
  }
  const reach = (start: string) => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) for (const n of edges.get(stack.pop()!) ?? []) if (!seen.has(n)) (seen.add(n), stack.push(n));
    return seen;
  };
  const circles = new Map<string, string[]>();
  for (const room of edges.keys()) {
    const circle = [...reach(room)].filter((other) => other === room || reach(other).has(room)).sort();
    if (circle.length > 1) circles.set(circle.join(), circle);
  }
  return [...circles.values()];
}

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

  it('the layer rule sees an upward import and a circle of rooms (so the next test can fail)', () => {
    const graph = { 'src/metrics/a.ts': ['src/tasks/types.ts'], 'src/tasks/types.ts': ['src/metrics/a.ts'] };
    expect(upwardImports(graph)).toEqual(['src/metrics/a.ts → src/tasks/types.ts']);
    expect(roomCircles(graph)).toEqual([['src/metrics', 'src/tasks']]);
    expect(upwardImports({ 'src/loose.ts': ['src/base/errors.ts'] })).toEqual(['src/loose.ts → src/base/errors.ts']);
  });

  it('imports only downward between the layers, type-only imports included, with no circle of rooms', async () => {
    const graph = (await importGraph(root, ['src', 'tasks', 'handlers', 'bench', 'scripts'])).obj();
    // The walk saw type-only imports: tasks/types.ts imports only types.
    expect(graph['src/tasks/types.ts']).toContain('src/release/release.ts');
    expect(upwardImports(graph)).toEqual([]);
    expect(roomCircles(graph)).toEqual([]);
  });

  it("puts every folder of src/ in a layer and names every layer's folder in the README's map", () => {
    const folders = readdirSync(path.join(root, 'src'), { withFileTypes: true }).map((e) =>
      e.isDirectory() ? `src/${e.name}` : `src/${e.name} (a file loose in src/)`,
    );
    expect(folders.filter((f) => !LAYER_OF.has(f))).toEqual([]);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const map = readme.slice(readme.indexOf('## Layout'), readme.indexOf('\n## ', readme.indexOf('## Layout') + 1));
    const missing = LAYERS.flatMap((l) => [l.name, ...l.rooms]).filter((r) => !map.includes(r));
    expect(missing).toEqual([]);
  });

  it('has no import cycle in src/, tasks/ or handlers/, type-only imports included', async () => {
    const graph = await importGraph(root, ['src', 'tasks', 'handlers']);
    // The walk really followed the imports: the root reaches its modules through `.js` specifiers.
    expect(graph.obj()['src/services/index.ts']).toContain('src/services/run.ts');
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
