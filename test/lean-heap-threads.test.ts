// The bot's lean heap outlives its pool's threads: Node puts V8's flags back to the command line's when a worker
// thread starts, so the pool applies them again as each thread comes online (src/base/lean-heap.ts). Run in a
// process of its own over the built modules (dist/, test/setup/build.ts): a young generation grown before the test
// would hide the flag.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = (file: string) => pathToFileURL(path.resolve('dist/src/base', file)).href;

/** The main thread's new space (MB) after a pool thread started and much was allocated, with or without the lean heap. */
function newSpaceAfterThread(lean: boolean): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-lean-'));
  const entry = path.join(dir, 'entry.mjs');
  writeFileSync(
    entry,
    `import { serveTasks } from ${JSON.stringify(dist('pool.js'))};\nserveTasks({ ping: () => 1 });\n`,
  );
  const script = `
    import v8 from 'node:v8';
    const { useHeapSetting } = await import(${JSON.stringify(dist('lean-heap.js'))});
    const { createPool } = await import(${JSON.stringify(dist('pool.js'))});
    useHeapSetting(${JSON.stringify(lean ? 'lean' : 'default')});
    const pool = createPool(new URL(${JSON.stringify(pathToFileURL(entry).href)}), { size: 1 });
    await pool.run('ping');
    const kept = [];
    for (let i = 0; i < 40; i++) {
      kept.push(Array.from({ length: 20000 }, (_, j) => ({ j, s: 'x' + j })));
      if (kept.length > 5) kept.shift();
    }
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    await pool.close();
    process.stdout.write(String(space / 2 ** 20));`;
  const main = path.join(dir, 'main.mjs');
  writeFileSync(main, script);
  const r = spawnSync(process.execPath, [main], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return Number(r.stdout);
}

describe('the lean heap with worker threads', () => {
  it('keeps the young generation at its first size after a thread started; without it, V8 grows it', () => {
    expect(newSpaceAfterThread(true)).toBeLessThanOrEqual(4);
    expect(newSpaceAfterThread(false)).toBeGreaterThanOrEqual(16);
  });
});
