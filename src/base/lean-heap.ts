// V8's settings for a small heap (issue 28: ≤ 150 MB): the bot, a process that runs for weeks and mostly waits,
// and `jcb score`.
import v8 from 'node:v8';

/**
 * How a process uses V8's heap: `default` (V8's own), `lean` (`jcb score`: the young generation keeps its first
 * size, 1 MB a semi-space, where V8 grows it to 16 MB while the program loads and the grown pages stay
 * resident; the old generation collected once it has grown 10 % past what the last collection left, where V8
 * lets it grow by a factor of 1.1 to 4 derived from its own speed) or `waiting` (the bot, a process that runs for
 * weeks and mostly waits: lean, and `--optimize-for-size`, V8 favouring memory over speed: smaller heap reserves,
 * earlier code flushing). Measured on the bot (bench/bot-memory.ts): after one `/jcb run` of each setting,
 * 188 → 168 MB lean (load 3-4; the young generation alone ~25 MB less once started and idle), 164 → 147-148 MB
 * waiting (load 2-5; the whole bench's CPU +3-8 %, the thread latency at 30 unchanged, bench/bot.ts). Not
 * `waiting` for score: its tokenizing threads would pay the slower code. All are flags V8 reads each time it
 * would grow a space or compile, so setting them at run time takes effect; set before the program's modules load,
 * since loading them is what grows the space first.
 */
export type HeapSetting = 'default' | 'lean' | 'waiting';

const LEAN = ['--semi-space-growth-factor=1', '--heap-growing-percent=10'];
/** V8's own values of those flags (`node --v8-options`, Node 20 and 22). */
const FLAGS: Record<HeapSetting, readonly string[]> = {
  default: ['--semi-space-growth-factor=2', '--heap-growing-percent=0', '--no-optimize-for-size'],
  lean: [...LEAN, '--no-optimize-for-size'],
  waiting: [...LEAN, '--optimize-for-size'],
};

let current: HeapSetting = 'default';

/**
 * Applies `setting`'s flags to this process (and so to its worker threads). bin/jcb.js applies `lean` before
 * any module of the program loads, and the program, once it has parsed its command, the command's own
 * (src/cli/program.ts, heapSettingOf): deciding only after the grammar had loaded would let loading it grow the
 * space (1 → 4 MB, 2 MB more once started).
 */
export function useHeapSetting(setting: HeapSetting): void {
  current = setting;
  for (const flag of FLAGS[setting]) v8.setFlagsFromString(flag);
}

/**
 * Applies the current setting again: a worker thread's start puts V8's flags back to node's command line
 * (Node 20: the bot's young generation grew to 16 MB a semi-space again once its pool's first thread was
 * online: ~30 MB of its RSS after a run of each setting). The pool calls it as each thread comes online.
 */
export function keepHeapSetting(): void {
  if (current !== 'default') useHeapSetting(current);
}
