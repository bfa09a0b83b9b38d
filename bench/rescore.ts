// `npm run bench`: re-scoring every released generation (both shots), against two reference points:
//  - a plain pass: stock kuromoji tokenizing every ROUGE text (gold and output of every row) in one
//    thread, as a straightforward port would (target: jcb at least 4× faster);
//  - MeCab itself tokenizing the same distinct texts, where `mecab` is installed (target: within 1.5×, issue 28),
//    both counted the same way: a process of its own each, started cold, one thread, the texts on stdin, the
//    tokens on stdout (bench/tokenize-lines.ts); then jcb's tokenizer as scoring uses it (its threads) beside.
// Prints ratios; asserts nothing (speed targets live here, not in tests).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadIpadic } from '../src/metrics/tokenizer/ipadic.js';
import { cleanGeneration } from '../src/tasks/rouge-task.js';
import { Release } from '../src/release/release.js';
import { createServices } from '../src/services/index.js';
import { createRougeTokenizer } from '../src/metrics/tokenizer/index.js';

const require = createRequire(import.meta.url);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

const release = Release.fromEnv();

// 1. jcb: every generation file of the release, fresh tokenizer threads, distinct texts once.
const services = createServices();
let t = performance.now();
const rows = await services.score();
const oursMs = performance.now() - t;
const peakKb = process.resourceUsage().maxRSS;
await services.close();
const documents = rows.reduce((n, r) => n + r.n, 0);

// 2. The ROUGE texts alone: each distinct text once, on fresh tokenizer threads (the dictionary is the one step 1
//    loaded in this process).
const rougeFolders = new Set(['CLG/HS_PN', 'CLG/HS_DS', 'CLG/IRS', 'CLG/CTS']);
const texts: string[] = [];
for (const f of release.generationFiles().filter((g) => rougeFolders.has(g.folder))) {
  for (const row of release.generationRows(f.path)) {
    texts.push(
      String(row.gold ?? '').replace(/\n/g, ' '),
      cleanGeneration(String(row.generated ?? '')).replace(/\n/g, ' '),
    );
  }
}
const distinct = [...new Set(texts)].filter(Boolean);
const cold = createRougeTokenizer();
t = performance.now();
await cold.tokenize(distinct);
const tokenizeMs = performance.now() - t;
await cold.close();

// 3. Dictionary load time (jcb loads it lazily, once per thread, only where ROUGE is computed).
t = performance.now();
await loadIpadic();
const loadMs = performance.now() - t;

// 4. The plain pass: stock kuromoji, one thread, every text of every row.
const kuromoji = require('kuromoji');
const kuromojiDir = path.dirname(require.resolve('kuromoji/package.json'));
const stock = await new Promise<{ tokenize(t: string): unknown[] }>((resolve, reject) =>
  kuromoji
    .builder({ dicPath: path.join(kuromojiDir, 'dict') })
    .build((e: unknown, tk: never) => (e ? reject(e) : resolve(tk))),
);
t = performance.now();
for (const text of texts) stock.tokenize(text);
const plainMs = performance.now() - t;

// 5. MeCab and jcb on the distinct texts, each a process of its own started cold, one thread, one text a line.
const input = distinct.join('\n') + '\n';
const timed = (command: string, args: string[]) => {
  const start = performance.now();
  const run = spawnSync(command, args, { input, maxBuffer: 1 << 28 });
  return run.error || run.status !== 0 ? undefined : performance.now() - start;
};
const oneThreadMs = timed(process.execPath, [fileURLToPath(new URL('./tokenize-lines.js', import.meta.url))]);
let mecabMs: number | undefined;
const probe = spawnSync('mecab', ['--version'], { encoding: 'utf8' });
if (!probe.error) {
  const dicdir = ['/var/lib/mecab/dic/ipadic-utf8', '/usr/lib/x86_64-linux-gnu/mecab/dic/ipadic-utf8'].find(
    (d) => spawnSync('test', ['-d', d]).status === 0,
  );
  mecabMs = timed('mecab', [...(dicdir ? ['-d', dicdir] : []), '-Owakati', '-b', '10000000']);
}

const ratio = (x: number) => `${x.toFixed(2)}×`;
console.log(`Re-scoring every released generation (${rows.length} files, ${documents} documents, both shots)`);
console.log(
  `  jcb wall time                   ${seconds(oursMs)}  (${Math.round(documents / (oursMs / 1000))} documents/s)`,
);
console.log(`  peak RSS                        ${mb(peakKb)}`);
console.log(`  IPADIC load (one thread)        ${seconds(loadMs)}`);
console.log(
  `ROUGE texts of the 60 ROUGE files: ${texts.length} (${distinct.length} distinct, ${distinct.reduce((n, s) => n + s.length, 0)} characters)`,
);
console.log(`  plain pass (stock kuromoji, every text, one thread)  ${seconds(plainMs)}`);
console.log(`  jcb re-scoring everything vs that plain pass          ${ratio(plainMs / oursMs)} faster  (target ≥ 4×)`);
console.log(`  jcb tokenizing the distinct texts, its threads, in this process  ${seconds(tokenizeMs)}`);
if (oneThreadMs !== undefined)
  console.log(`  jcb, a process of its own, one thread (as MeCab)       ${seconds(oneThreadMs)}`);
if (mecabMs !== undefined && oneThreadMs !== undefined) {
  console.log(`  MeCab tokenizing the same texts, a process, one thread ${seconds(mecabMs)}`);
  console.log(`  jcb / MeCab, both so                                   ${ratio(oneThreadMs / mecabMs)}  (target ≤ 1.5×)`);
  console.log(`  jcb with its threads / MeCab                           ${ratio(tokenizeMs / mecabMs)}`);
} else {
  console.log('  MeCab is not installed: no MeCab ratio (apt-get install mecab mecab-ipadic-utf8)');
}
