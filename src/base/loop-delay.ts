// How late the event loop runs its callbacks (issue 28): Node's own histogram (perf_hooks.monitorEventLoopDelay),
// read and reset once per report. A loop that is late by more than Slack's 3 s loses acknowledgements.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay over one window, in milliseconds. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** Samples in the window (one per `resolutionMs` while the loop turns). */
  samples: number;
}

export interface LoopWatch {
  /** The delays since the last read (or the start), then starts a new window. */
  read(): LoopDelay;
  stop(): void;
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** Starts measuring; sampling every `resolutionMs` (default 10) adds a timer, nothing else. */
export function watchLoopDelay(resolutionMs = 10): LoopWatch {
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  return {
    read() {
      // An empty histogram reports its bounds (max 0, min ~9e18): nothing measured is a delay of 0.
      const out = h.count
        ? { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count }
        : { p50: 0, p99: 0, max: 0, samples: 0 };
      h.reset();
      return out;
    },
    stop: () => h.disable(),
  };
}
