// `npm run bench` (part 1b): `jcb score --json` of every released file as a user runs it (a process of its
// own): wall time, CPU time and peak RSS (targets: ≤ 1.2× the wall time of a C reference scorer with MeCab and
// a C LCS, ≤ 150 MB). The C reference is not part of this repository: its row says so unless JCB_C_SCORER names
// a command to time the same way.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TIME = '/usr/bin/time';
const jcb = fileURLToPath(new URL('../../bin/jcb.js', import.meta.url));

/** Wall s, CPU s, peak RSS MB of a command, through GNU time; undefined without it. */
function measure(argv: string[]): { wall: number; cpu: number; rssMb: number } | undefined {
  if (!existsSync(TIME)) return undefined;
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, sys, kb] = last.split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(kb)) return undefined;
  return { wall, cpu: user + sys, rssMb: kb / 1024 };
}

console.log('jcb score --json of every released file (a process of its own)');
const ours = measure([process.execPath, jcb, 'score', '--json']);
if (!ours) console.log('  not measured: needs GNU time (/usr/bin/time) and the release');
else {
  console.log(`  wall ${ours.wall.toFixed(2)} s, CPU ${ours.cpu.toFixed(2)} s, peak RSS ${Math.round(ours.rssMb)} MB  (target ≤ 150 MB)`);
  const c = process.env.JCB_C_SCORER ? measure(process.env.JCB_C_SCORER.split(' ')) : undefined;
  if (c)
    console.log(
      `  vs the C reference: ${(ours.wall / c.wall).toFixed(2)}× wall, ${(ours.cpu / c.cpu).toFixed(2)}× CPU, ${Math.round(c.rssMb)} MB  (target ≤ 1.2× wall)`,
    );
  else console.log('  vs the C reference (MeCab + C LCS): not installed (set JCB_C_SCORER to its command line)');
}
