// Builds the native tokenizer (src/metrics/tokenizer/native) with npm's own node-gyp; run by `npm install`/`npm ci`
// (the `install` script) and by `npm run build:native`. A build that cannot be made never fails the install: one
// line says why, and jcb uses the TypeScript lattice (src/metrics/tokenizer/mecab-lattice.ts), which gives the same
// tokens, only slower. Exit code 0 always.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'metrics', 'tokenizer', 'native');
const fallback = (why) =>
  console.log(`jcb: the native tokenizer could not be built (${why}); the JavaScript one is used`);

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
  const run = spawnSync(process.execPath, [gyp, 'rebuild', `--directory=${dir}`], { encoding: 'utf8' });
  if (run.status !== 0) {
    const said = `${run.stderr ?? ''}${run.stdout ?? ''}`.match(/^gyp ERR! stack Error: (.+)$/m)?.[1];
    return fallback(said ? `node-gyp: ${said.slice(0, 160)}` : `node-gyp exited with ${run.status ?? run.signal}`);
  }
}

try {
  build();
} catch (err) {
  fallback(err instanceof Error ? err.message : String(err));
}
