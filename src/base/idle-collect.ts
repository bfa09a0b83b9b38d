// A full garbage collection once a long-running process has gone quiet (the bot between requests). V8 collects
// its old generation as a program allocates, so a bot that goes quiet after a burst keeps the burst's garbage,
// and a dictionary its ended threads no longer share, resident until the next burst: in a process that waits
// for weeks, that is most of its life (issue 28: the bot ≤ 150 MB).
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs V8's full collection now, twice (tens of milliseconds on the bot's ~40 MB heap): the pages the first
 * empties V8 keeps for reuse, and the second returns them to the system (a heap of 86 MB, 10 MB live: RSS
 * 147 → 139 MB after one, 64 MB after two). Node has no API for it: the flag that exposes `gc` is set at run
 * time and read in a new context, where V8 installs it.
 */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

export interface IdleCollector {
  /** A work has begun: no collection while it runs. */
  begin(): void;
  /** A work has ended; once none is left for `delayMs`, `collect` runs. */
  end(): void;
}

/** Collects `delayMs` after the last of the works begun has ended (a timer that keeps no process alive). */
export function idleCollector(delayMs = 1_000, collect: () => void = collectGarbage): IdleCollector {
  let running = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    begin() {
      running++;
      clearTimeout(timer);
    },
    end() {
      if (--running > 0) return;
      clearTimeout(timer);
      timer = setTimeout(collect, delayMs);
      timer.unref();
    },
  };
}
