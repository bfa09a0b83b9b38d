// Rebuilds data/release-manifest.json from a copy of the release known to be whole:
//   npm run manifest -- /path/to/j-clinicalbench [commit]
// The manifest holds paths, sizes and hashes only, never release content.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildManifest } from '../src/release/manifest.js';
import { PINNED_COMMIT } from '../src/release/pull.js';

const [dir, commit = PINNED_COMMIT] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: npm run manifest -- <release folder> [commit]\n');
  process.exit(1);
}
const manifest = buildManifest(path.resolve(dir), commit);
const out = path.resolve('data', 'release-manifest.json');
// One file a line: a diff of two manifests reads as the list of files that changed.
const lines = manifest.files.map((f) => `  ${JSON.stringify(f)}`).join(',\n');
writeFileSync(out, `{\n "commit": ${JSON.stringify(manifest.commit)},\n "files": [\n${lines}\n ]\n}\n`);
process.stdout.write(`${manifest.files.length} files written to ${out}\n`);
