// V8's settings for the bot, a process that runs for weeks and mostly waits (issue 28: its RSS ≤ 150 MB).
import v8 from 'node:v8';

/**
 * The young generation keeps its first size (1 MB a semi-space; V8 otherwise grows it to 16 MB, and the grown
 * pages stay resident), and the old generation grows and shrinks as on a small device. Measured on the bot
 * after start and one `/jcb run` of each setting in both shots: ~25 MB less once started, ~30 MB less after the
 * runs (README, "Speed"). Both flags are ones V8 reads as it goes, so setting them at run time takes effect;
 * set before the program's modules load, since loading them is what grows the young generation first.
 */
export const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--optimize-for-size'] as const;

/** Applies LEAN_HEAP_FLAGS to this process (and so to its worker threads). */
export function useLeanHeap(): void {
  for (const flag of LEAN_HEAP_FLAGS) v8.setFlagsFromString(flag);
}
