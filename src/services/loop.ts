// The bot's event-loop delay where `jcb doctor` can read it: a small JSON file in the per-user folder, written by
// the bot once per report (issue 28). Only a bot on this machine and under this JCB_HOME is seen.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { LoopDelay } from '../base/loop-delay.js';
import { jcbHome } from '../release/locate.js';
import type { ServiceContext } from './context.js';

const report = z.object({
  pid: z.number(),
  at: z.string(),
  windowMs: z.number(),
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
  samples: z.number(),
});
export type LoopReport = z.infer<typeof report>;

/** Above this p99 the loop is reported as not keeping up: Slack's acks need well under 3 s, ours 100 ms. */
export const LOOP_P99_LIMIT_MS = 100;

const reportFile = (env: NodeJS.ProcessEnv) => path.join(jcbHome(env), 'bot-event-loop.json');

/** Writes the latest window's delays (atomically: doctor never reads half a file); errors are the caller's. */
export function writeLoopReport(env: NodeJS.ProcessEnv, delay: LoopDelay, windowMs: number): void {
  const file = reportFile(env);
  mkdirSync(path.dirname(file), { recursive: true });
  const body: LoopReport = { pid: process.pid, at: new Date().toISOString(), windowMs, ...delay };
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(body));
  renameSync(`${file}.${process.pid}`, file);
}

/** The latest report, or undefined when no bot has written one (or it cannot be read). */
export function readLoopReport(env: NodeJS.ProcessEnv): LoopReport | undefined {
  try {
    return report.parse(JSON.parse(readFileSync(reportFile(env), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote a report still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function loopServices(ctx: ServiceContext) {
  return {
    /**
     * Starts a pool thread and has it load the tokenizer's dictionary (shared by every thread), in the background:
     * resolves true when it is warm, false if it failed, it was stopped first or there is no pool
     * (JCB_THREADS=0); never rejects. A request arriving before is queued behind the warm-up.
     */
    warmUp: (): Promise<boolean> => ctx.pool()?.warm() ?? Promise.resolve(false),
    /** The pool's threads alive now (tokenizing, detection, scoring; charts have their own: `chartThreads`). */
    poolThreads: (): number => ctx.pool()?.threads() ?? 0,
    /** Keeps the bot's latest event-loop delays for `jcb doctor`. @throws when the per-user folder cannot be written. */
    recordLoopDelay: (delay: LoopDelay, windowMs: number) => writeLoopReport(ctx.env, delay, windowMs),
  };
}
