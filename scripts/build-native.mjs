// Builds the native tokenizer (src/metrics/tokenizer/native) with npm's own node-gyp; run by `npm install`/`npm ci`
// (the `install` script) and by `npm run build:native`. A build that cannot be made never fails the install: one
// line says why, and jcb uses the TypeScript lattice (src/metrics/tokenizer/mecab-lattice.ts), which gives the same
// tokens, only slower. Exit code 0 always. It builds in a folder of its own and replaces the addon only once the new
// one is built: node-gyp's rebuild cleans its folder first, so a failed build deleted the working addon.
// `node scripts/build-native.mjs [DIR]`: the sources' folder (default src/metrics/tokenizer/native); the addon is
// DIR/build/Release/jcb_lattice.node.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(
  process.argv[2] ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'metrics', 'tokenizer', 'native'),
);
const ADDON = path.join('build', 'Release', 'jcb_lattice.node');
/** The one line of a build not made: the addon built before stays in use where there is one. */
const fallback = (why) =>
  console.log(
    `jcb: the native tokenizer could not be built (${why}); ${
      existsSync(path.join(dir, ADDON)) ? 'the one built before stays in use' : 'the JavaScript one is used'
    }`,
  );

/** Whether `command` is on the PATH. */
const onPath = (command) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((d) => d && existsSync(path.join(d, command + (process.platform === 'win32' ? '.exe' : ''))));

function build() {
  // npm names its bundled node-gyp in its scripts' environment; outside npm there is none to trust.
  const gyp = process.env.npm_config_node_gyp;
  if (!gyp || !existsSync(gyp)) return fallback('node-gyp not found: run it with `npm run build:native`');
  if (process.platform !== 'win32') {
    const cxx = process.env.CXX ? [process.env.CXX.split(' ')[0]] : ['c++', 'g++', 'clang++'];
    if (!cxx.some((c) => (path.isAbsolute(c) ? existsSync(c) : onPath(c)))) return fallback('no C++ compiler');
    if (!onPath('make')) return fallback('no make');
  }
  // The sources copied to a folder of the build's own (never `build/`, the working addon's).
  const work = mkdtempSync(path.join(os.tmpdir(), 'jcb-native-'));
  try {
    cpSync(dir, work, { recursive: true, filter: (from) => path.relative(dir, from).split(path.sep)[0] !== 'build' });
    const run = spawnSync(process.execPath, [gyp, 'rebuild', `--directory=${work}`], { encoding: 'utf8' });
    if (run.status !== 0) {
      const said = `${run.stderr ?? ''}${run.stdout ?? ''}`.match(/^gyp ERR! stack Error: (.+)$/m)?.[1];
      const why = said ? `node-gyp: ${said.slice(0, 160)}` : `node-gyp exited with ${run.status ?? run.signal}`;
      return fallback(why);
    }
    // Replaced in one step (a rename in its folder): a process loading it meets the old file or the new one.
    const target = path.join(dir, ADDON);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(work, ADDON), `${target}.new`);
    renameSync(`${target}.new`, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  build();
} catch (err) {
  fallback(err instanceof Error ? err.message : String(err));
}
