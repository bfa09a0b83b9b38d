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

/** Applies LEAN_HEAP_FLAGS to this process (and so to its worker threads). */
export function useLeanHeap(): void {
  for (const flag of LEAN_HEAP_FLAGS) v8.setFlagsFromString(flag);
}
