// After `stryker run`: per-file and total figures from reports/mutation/mutation.json, the mutation score
// of src/metrics on its own, and how many mutants are disabled by `// Stryker disable` comments (issue 15:
// at most 5 % of the mutants). Score = (killed + timeout) / (killed + timeout + survived + no coverage);
// mutants that do not compile are no mutants and count nowhere.
import { readFileSync } from 'node:fs';

// Several reports (runs of parts of the scope, e.g. `stryker run --mutate 'src/command/**'`) are read as one;
// a file in more than one report counts from the last given.
const paths = process.argv.length > 2 ? process.argv.slice(2) : ['reports/mutation/mutation.json'];
const report = { files: Object.assign({}, ...paths.map((p) => JSON.parse(readFileSync(p, 'utf8')).files)) };
const COLUMNS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored'];

function tally(mutants) {
  const t = Object.fromEntries(COLUMNS.map((c) => [c, 0]));
  for (const m of mutants) if (m.status in t) t[m.status]++;
  const detected = t.Killed + t.Timeout;
  const valid = detected + t.Survived + t.NoCoverage;
  return { ...t, valid, score: valid === 0 ? null : (100 * detected) / valid };
}

const pct = (x) => (x === null ? '   n/a' : `${x.toFixed(1).padStart(5)} %`);
const line = (name, t) =>
  `${name.padEnd(34)} ${pct(t.score)}  ${COLUMNS.map((c) => String(t[c]).padStart(c.length)).join('  ')}`;

const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
console.log(`${'file'.padEnd(34)}   score  ${COLUMNS.join('  ')}`);
for (const [name, f] of files) console.log(line(name, tally(f.mutants)));
const all = files.flatMap(([, f]) => f.mutants);
const metrics = files.filter(([name]) => name.startsWith('src/metrics/')).flatMap(([, f]) => f.mutants);
console.log(line('all files', tally(all)));
if (metrics.length) console.log(line('src/metrics', tally(metrics)));

const disabled = all.filter((m) => m.status === 'Ignored').length;
const counted = all.filter((m) => m.status !== 'CompileError' && m.status !== 'RuntimeError').length;
console.log(
  `disabled by comment: ${disabled} of ${counted} mutants (${counted ? ((100 * disabled) / counted).toFixed(1) : 0} %; limit 5 %)`,
);
