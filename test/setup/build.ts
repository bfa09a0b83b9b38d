// The program the tests run as a user does, bin/jcb.js over the compiled dist/ (it starts in about half the
// time of src/ through tsx): built here, once per test command, when any source is newer than it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
/** What `npm run build` compiles (tsconfig.json's include), and the config itself. */
const SOURCES = ['src', 'tasks', 'handlers', 'bench', 'scripts'];
const BUILT = path.join(ROOT, 'dist/src/cli/main.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ when it is missing or older than a source file (CI's `npm ci` has just built it). */
export function buildIfStale(): void {
  const sources = Math.max(
    statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs,
    ...SOURCES.map((d) => path.join(ROOT, d))
      .filter(existsSync)
      .map(newest),
  );
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sources) return;
  process.stderr.write('jcb tests: building dist/ (a source is newer than it) for the tests that run bin/jcb.js\n');
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    // tsc emits despite type errors (npm run typecheck reports them); only a build that wrote nothing stops here.
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < sources) throw error;
  }
}
