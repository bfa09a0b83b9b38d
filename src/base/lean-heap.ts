// V8's settings for the bot, a process that runs for weeks and mostly waits (issue 28: its RSS ≤ 150 MB).
import v8 from 'node:v8';

/**
 * The young generation keeps its first size (1 MB a semi-space; V8 otherwise grows it to 16 MB while the
 * program loads, and the grown pages stay resident). Measured on the bot (bench/bot-memory.ts, load 9): ~25 MB
 * less once started and once idle, the same CPU for 26 `/jcb run`s. It is a flag V8 reads each time it would
 * grow the space, so setting it at run time takes effect; set before the program's modules load, since
 * loading them is what grows the space first. Not `--optimize-for-size`: ~25 MB less after the runs, but
 * ~70 % more CPU for them (it holds for the pool's threads too, which tokenize).
 */
const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1'] as const;
/** V8's own values of those flags (`node --v8-options`, Node 20 and 22), for a process that is not the bot. */
const DEFAULT_FLAGS = ['--semi-space-growth-factor=2'] as const;

/**
 * Applies LEAN_HEAP_FLAGS to this process (and so to its worker threads); `lean` false puts V8's defaults back.
 * bin/jcb.js applies them before any module of the program loads, and the program, once it has parsed its
 * command, puts the defaults back for every command but the bot (src/cli/program.ts, leansHeap): deciding
 * only after the grammar had loaded would let loading it grow the space (1 → 4 MB, 2 MB more once started).
 */
export function useLeanHeap(lean = true): void {
  for (const flag of lean ? LEAN_HEAP_FLAGS : DEFAULT_FLAGS) v8.setFlagsFromString(flag);
}
