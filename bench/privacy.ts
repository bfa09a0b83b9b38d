// `npm run bench` (part 5): the personal-information detector. Precision and recall per kind on the
// test set written before it (test/fixtures/pii), exact span match (the targets) and overlap match; the
// share of the release's documents it would mask, by kind (false alarms: the release is de-identified;
// target ≤ 1 % with dates aside); then the resident memory of a process that loads what the bot loads and
// detects once (target < 200 MB).
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../src/base/project.js';
import { detectPersonalInformation, maskToFixedPoint } from '../src/privacy/detect.js';
import { maskedShare, readTestSet, scoreDetector, TARGETS } from '../src/privacy/score.js';
import { Release } from '../src/release/release.js';
import { TASKS } from '../tasks/index.js';

if (process.argv[2] === 'rss') {
  // The child: the bot's modules, then one detection (which loads the dictionary).
  await import('../handlers/app.js');
  const { detectPersonalInformation } = await import('../src/privacy/detect.js');
  await detectPersonalInformation('長女の真由美さん（080-2233-4455）がキーパーソン．');
  process.send!(process.memoryUsage().rss);
  process.exit(0);
}

const sentences = readTestSet(path.join(projectRoot(), 'test', 'fixtures', 'pii', 'testset.jsonl'));
const scores = await scoreDetector(sentences);
const f = (x: number) => x.toFixed(3);
console.log(`Personal-information detector (${sentences.length} sentences, test/fixtures/pii)`);
console.log('  kind        gold  found   exact P / R      overlap P / R   target');
for (const kind of Object.keys(scores.exact) as (keyof typeof scores.exact)[]) {
  const e = scores.exact[kind];
  const o = scores.overlap[kind];
  const target = [
    kind in TARGETS.recall ? `R ≥ ${TARGETS.recall[kind as keyof typeof TARGETS.recall]}` : '',
    kind in TARGETS.precision ? `P ≥ ${TARGETS.precision.all}` : '',
  ].join('');
  console.log(
    `  ${kind.padEnd(10)} ${String(e.gold).padStart(5)} ${String(e.found).padStart(6)}   ${f(e.precision)} / ${f(e.recall)}    ${f(o.precision)} / ${f(o.recall)}   ${target}`,
  );
}
console.log('  (targets are on exact span match)');

// The check's time per 1,000 characters of a long note (the test set's sentences one after another, a line
// each), masked to a fixed point as the bot checks a text: at 1,000 and at 8,000 characters, best of three.
const note = (chars: number) => {
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${sentences[i % sentences.length].text}\n`;
  return text.slice(0, chars);
};
const perThousand = async (chars: number) => {
  const text = note(chars);
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await maskToFixedPoint(text, detectPersonalInformation);
    best = Math.min(best, performance.now() - started);
  }
  return best / (chars / 1000);
};
const [short, long] = [await perThousand(1000), await perThousand(8000)];
console.log(
  `  Check time per 1,000 characters: ${short.toFixed(0)} ms at 1,000, ${long.toFixed(0)} ms at 8,000 (${(long / short).toFixed(2)}×; linear: 1)`,
);

// Every distinct document text of the release's 13 settings.
const release = Release.fromEnv();
const texts = [...new Set(TASKS.flatMap((t) => t.loadDocuments(release).map((d) => d.text)))];
const share = await maskedShare(texts);
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
console.log(`  Masked in the release's documents (${share.texts} texts, ${share.characters} characters; de-identified, so false alarms):`);
console.log(`    ${Object.entries(share.byKind).map(([k, x]) => `${k} ${pct(x)}`).join(' · ')}`);
console.log(`    all but dates ${pct(share.allButDates)}  (target ≤ 1 %; dates are masked on purpose)`);

const rss = await new Promise<number>((resolve, reject) => {
  const child = fork(fileURLToPath(import.meta.url), ['rss']);
  child.once('message', (m) => resolve(m as number));
  child.once('error', reject);
});
console.log(
  `  RSS of a process with the bot's modules after its first detection  ${Math.round(rss / 2 ** 20)} MB  (target < 200 MB)`,
);
