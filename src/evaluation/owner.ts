// Who runs a foreground run, and whether that process is gone without saying so (kill -9, the OOM killer, a
// reboot, a closed laptop, a stopped container): the run records its owner (host, pid, the process's start
// identity, a random token) and a heartbeat; a reader judges from them.
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import type { Run, RunOwner, Store } from '../store/store.js';

/** The ownership settings, each an environment variable with its default (ms). */
export const OWNER_NUMBERS = {
  /** How often a foreground run refreshes its heartbeat (it does too after each stored document, at most each second). */
  JCB_HEARTBEAT_MS: 15_000,
  /** A run of another host whose heartbeat is older than this is shown stopped (its process is gone). */
  JCB_ORPHAN_AFTER_MS: 120_000,
} as const;

/**
 * An ownership setting: its default when unset or empty, else a whole number above 0. Errors: UserError naming the
 * variable when it is anything else (src/services/env.ts refuses it before any command runs).
 */
export function ownerNumber(env: NodeJS.ProcessEnv, name: keyof typeof OWNER_NUMBERS): number {
  const raw = env[name]?.trim();
  if (!raw) return OWNER_NUMBERS[name];
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new UserError(
      `A run setting is not valid${operatorFix(`: ${name} must be a whole number of milliseconds above 0`)}.`,
      operatorFix(`Unset it for the default, ${OWNER_NUMBERS[name]}.`),
    );
  return Number(raw);
}

const read = (file: string, how: (f: string) => string): string | null => {
  try {
    return how(file).trim();
  } catch {
    return null;
  }
};
/** This machine's boot and pid namespace (`<boot id>:<pid ns>`), Linux only: pids are compared within it alone. */
const machine = (): string | null => {
  const boot = read('/proc/sys/kernel/random/boot_id', (f) => readFileSync(f, 'utf8'));
  const ns = read('/proc/self/ns/pid', readlinkSync);
  return boot && ns ? `${boot}:${ns}` : null;
};
/** Process `pid`'s start time (clock ticks since boot, /proc/<pid>/stat field 22), or null when there is none. */
const startTicks = (pid: number): string | null => {
  const stat = read(`/proc/${pid}/stat`, (f) => readFileSync(f, 'utf8'));
  return stat ? (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null) : null;
};

let self: RunOwner | undefined;
/** This process as a run's owner: host name, pid, start identity (`<machine>:<ticks>` on Linux, else null), token. */
export function thisProcess(): RunOwner {
  if (self) return self;
  const where = machine();
  const ticks = startTicks(process.pid);
  const start = where && ticks ? `${where}:${ticks}` : null;
  self = { host: os.hostname(), pid: process.pid, start, token: randomBytes(8).toString('hex') };
  return self;
}

/** Whether pid `pid` of this machine is a process (a process of another user too: EPERM). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether the process that owns `run` (status `running`, an owner recorded) is gone: on this host (same host name,
 * and same boot and pid namespace where they can be read), when its pid is no process or a process started at another
 * time (the pid reused); elsewhere, when its heartbeat is older than `staleMs`. A run of this very process is never gone.
 */
export function ownerGone(run: Run, staleMs: number, now = Date.now()): boolean {
  if (run.status !== 'running' || !run.owner_token || run.owner_token === thisProcess().token) return false;
  const me = thisProcess();
  const where = run.owner_start?.slice(0, run.owner_start.lastIndexOf(':'));
  const here = run.owner_host === me.host && (!run.owner_start || where === me.start?.slice(0, where?.length));
  if (here && run.owner_pid) {
    if (!alive(run.owner_pid)) return true;
    if (run.owner_start) return `${where}:${startTicks(run.owner_pid)}` !== run.owner_start;
    return false;
  }
  return !run.heartbeat_at || now - Date.parse(run.heartbeat_at) > staleMs;
}

const GONE = 'its process ended without finishing';
/** Why a run whose process is gone stopped, in one line: "its process ended without finishing (on HOST, pid N)". */
export const goneReason = (run: Run): string =>
  `${GONE} (on ${run.owner_host ?? 'an unknown host'}, pid ${run.owner_pid ?? '?'})`;

type Shown = Pick<Run, 'status' | 'stall_reason'>;
/** What a run stopped as its process was gone says in every face: "stopped: " and its stored reason; else undefined. */
export const goneStopped = (run: Shown): string | undefined =>
  run.status === 'interrupted' && run.stall_reason?.startsWith(GONE) ? `stopped: ${run.stall_reason}` : undefined;
/** The status a face shows: `stopped` for a run whose process was gone (goneStopped), else the stored one. */
export const shownStatus = (run: Shown): string => (goneStopped(run) ? 'stopped' : run.status);

/**
 * Refuses to resume `run` while another process that is not gone runs it (UserError naming it); a run whose process is
 * gone (ownerGone, the heartbeat bound JCB_ORPHAN_AFTER_MS) is taken over.
 */
export function refuseLiveOwner(run: Run, env: NodeJS.ProcessEnv): void {
  if (run.status !== 'running' || !run.owner_token || run.owner_token === thisProcess().token) return;
  if (ownerGone(run, ownerNumber(env, 'JCB_ORPHAN_AFTER_MS'))) return;
  throw new UserError(
    `Run ${run.id} is being run now by another process (on ${run.owner_host ?? 'an unknown host'}, pid ${run.owner_pid ?? '?'}).`,
    'Let it finish, or stop that process first (Ctrl-C), then resume with --run.',
  );
}

/**
 * Claims `runId` for this process and keeps its heartbeat: every `JCB_HEARTBEAT_MS`, and on `beat()` (after each
 * stored document) at most once a second. A failed beat is let go (the next one tries again). `stop()` ends it.
 */
export async function ownRun(
  store: Store,
  runId: string,
  env: NodeJS.ProcessEnv,
): Promise<{ beat: () => void; stop: () => Promise<void> }> {
  const me = thisProcess();
  await store.claimRun(runId, me);
  let last = Date.now();
  let pending: Promise<unknown> = Promise.resolve();
  const beat = (force = false) => {
    if (!force && Date.now() - last < 1000) return;
    last = Date.now();
    pending = pending.then(() => store.heartbeat(runId, me.token)).catch(() => false);
  };
  const timer = setInterval(() => beat(true), ownerNumber(env, 'JCB_HEARTBEAT_MS'));
  timer.unref();
  return {
    beat: () => beat(),
    stop: async () => {
      clearInterval(timer);
      await pending;
    },
  };
}
