// V8's settings for a small heap (issue 28: ≤ 150 MB): the bot, a process that runs for weeks and mostly waits,
// and `jcb score`.
import v8 from 'node:v8';

/**
 * The young generation keeps its first size (1 MB a semi-space; V8 otherwise grows it to 16 MB while the
 * program loads, and the grown pages stay resident), and the old generation is collected once it has grown 10 %
 * past what the last collection left (V8 otherwise lets it grow by a factor of 1.1 to 4 that it derives from
 * its own speed: the bot's garbage of building a setting's documents stayed resident until the next one).
 * Measured on the bot (bench/bot-memory.ts, load 3-4): after one `/jcb run` of each setting, 188 → 168 MB, ~10 %
 * more CPU for those runs; the young generation alone: ~25 MB less once started and once idle. Both are flags
 * V8 reads each time it would grow a space, so setting them at run time takes effect; set before the program's
 * modules load, since loading them is what grows the space first. Not `--optimize-for-size`: ~25 MB less after
 * the runs, but ~70 % more CPU for them (it holds for the pool's threads too, which tokenize).
 */
const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=10'] as const;
/** V8's own values of those flags (`node --v8-options`, Node 20 and 22), for the commands that are neither. */
const DEFAULT_FLAGS = ['--semi-space-growth-factor=2', '--heap-growing-percent=0'] as const;

let lean = false;

/**
 * Applies LEAN_HEAP_FLAGS to this process (and so to its worker threads); `lean` false puts V8's defaults back.
 * bin/jcb.js applies them before any module of the program loads, and the program, once it has parsed its
 * command, puts the defaults back for every command but the bot and score (src/cli/program.ts, leansHeap): deciding
 * only after the grammar had loaded would let loading it grow the space (1 → 4 MB, 2 MB more once started).
 */
export function useLeanHeap(on = true): void {
  lean = on;
  for (const flag of on ? LEAN_HEAP_FLAGS : DEFAULT_FLAGS) v8.setFlagsFromString(flag);
}

/**
 * Applies LEAN_HEAP_FLAGS again where they were: a worker thread's start puts V8's flags back to node's command
 * line (Node 20: the bot's young generation grew to 16 MB a semi-space again once its pool's first thread was
 * online: ~30 MB of its RSS after a run of each setting). The pool calls it as each thread comes online.
 */
export function keepLeanHeap(): void {
  if (lean) useLeanHeap();
}
