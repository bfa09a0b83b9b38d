// A run's re-queue lock in Redis: one process at a time queues a run's missing documents (a live model is then
// asked each once). Taken with SET NX PX and a token, renewed while its holder works, released only by its holder.
import { randomBytes } from 'node:crypto';
import type Queue from 'bull';
import { UserError } from '../base/errors.js';
import type { ChunkJob } from './eval-queue.js';

/** Deletes a run's lock only while it is still the holder's (its token): one that expired and was taken again is not. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Extends a run's lock by ARGV[2] ms only while it is still the holder's: 1, or 0 when it is another's or gone. */
const RENEW =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * How long a run's lock outlives its holder (a holder that stops lets it go then); a live holder renews it every
 * third of that, so a round of any length keeps it.
 */
export const RUN_LOCK_MS = 60_000;

/** A holder's run lock expired or was taken by another while it worked: it must queue nothing more. */
export class RunLockLost extends Error {
  constructor(runId: string) {
    super(`run ${runId}: this process lost the run's re-queue lock while re-queueing (Redis slow or restarted?)`);
  }
}

/**
 * Runs `fn` holding the run's re-queue lock on this queue (`<prefix>:<queue>:requeue:<run>`, SET NX PX `ms` with a
 * token of its own, released only by its holder), so that two processes at once do not queue the same lost
 * documents twice; undefined, `fn` not run, when another holds it. The lock is renewed every `ms / 3` while `fn`
 * works (compare-and-pexpire on the token); should it be lost all the same (Redis away longer than `ms`), `signal`
 * is aborted with RunLockLost, and `fn` must check it before it queues anything.
 */
export async function withRunLock<T>(
  queue: Pick<Queue.Queue<ChunkJob>, 'client' | 'toKey'>,
  runId: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T } | undefined> {
  const key = queue.toKey(`requeue:${runId}`);
  const token = randomBytes(8).toString('hex');
  if ((await queue.client.set(key, token, 'PX', ms, 'NX')) !== 'OK') return undefined;
  const lost = new AbortController();
  // A renewal that fails (Redis away a moment) is tried again next time; the lock found another's or gone is lost.
  const renew = async () => {
    const kept = await queue.client.eval(RENEW, 1, key, token, ms).catch(() => undefined);
    if (kept === 0 && !lost.signal.aborted) lost.abort(new RunLockLost(runId));
  };
  const timer = setInterval(() => void renew(), Math.max(1, Math.floor(ms / 3)));
  try {
    return { value: await fn(lost.signal) };
  } finally {
    clearInterval(timer);
    await queue.client.eval(RELEASE, 1, key, token).catch(() => {});
  }
}

/** withRunLock for a user's (re-)queueing: waits for the holder (at most until its lock expires) rather than skipping. */
export async function waitingRunLock<T>(
  queue: Pick<Queue.Queue<ChunkJob>, 'client' | 'toKey'>,
  runId: string,
  fn: (signal: AbortSignal) => Promise<T>,
  lockMs = RUN_LOCK_MS,
): Promise<T> {
  const again = () => new UserError(`Run ${runId} is being queued again by another process.`, 'Try again in a minute.');
  for (const end = Date.now() + 2 * lockMs; ; await new Promise((r) => setTimeout(r, 100))) {
    const done = await withRunLock(queue, runId, lockMs, fn).catch((err: unknown) => {
      throw err instanceof RunLockLost ? again() : err;
    });
    if (done) return done.value;
    if (Date.now() > end) throw again();
  }
}
