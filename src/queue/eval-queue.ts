// The evaluation queue on Bull (Redis): a run is split into jobs of a bounded number of documents,
// which workers on any machine take.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type Queue from 'bull';
import { createRequire } from 'node:module';
import { UserError } from '../base/errors.js';
import type { JobAssumptions } from './assumptions.js';
import { probeRedis, RedisRefused } from './redis-probe.js';
import {
  checkQueueSettings,
  queueNumber,
  queuePrefix,
  redisOptions,
  redisPlace,
  type RedisOptions,
} from './settings.js';
import { redisFailure } from './redis-health.js';

export interface ChunkJob {
  runId: string;
  task: string;
  /** The documents of this job, by id; their order in the task's plan decides aggregation order. */
  docIds: string[];
  noCache: boolean;
  /** What the job assumes of the worker that takes it (absent in jobs queued before they carried it). */
  assumes?: JobAssumptions;
  /** Set when workers left the job to others: the last reason, its cause, how many times, by whom. */
  declined?: { reason: string; cause?: DeclineCause; count: number; by: string };
  /** Set when the model's server could not be reached for its documents: the last cause, how many times. */
  unreachable?: { reason: string; count: number };
}

/**
 * What a worker lacked to take a job (stall-cause.ts WAITING_FOR says whom the run waits for): its task file not
 * loaded, its task file, data or generations file other than the run's, another release or one lacking its
 * documents, or the run's settings (store, scoring version, labels, documents, the model as configured).
 */
export type DeclineCause =
  'task not loaded' | 'task file' | 'data file' | 'generations file' | 'release' | 'documents' | 'run';

export const QUEUE_NAME = 'jcb-eval';
export const SCHEDULE_QUEUE_NAME = 'jcb-schedules';
/** Documents a job covers: small enough that a stalled job costs little to redo (JCB_QUEUE_CHUNK). */
export function chunkSize(env: NodeJS.ProcessEnv): number {
  return queueNumber(env, 'JCB_QUEUE_CHUNK');
}

/**
 * The evaluation queue of one store (its id, see Store.id): workers of another store sharing the
 * Redis never see its jobs, which they would complete with nothing computed.
 */
export function openEvalQueue(env: NodeJS.ProcessEnv, storeId: string): Queue.Queue<ChunkJob> {
  return openQueue<ChunkJob>(`${QUEUE_NAME}-${storeId}`, env);
}

/**
 * Schedules fire on a queue of their own: a Bull queue that processes one job name fails the others
 * ("missing process handler"), so the bot, which handles schedules, must not see evaluation jobs. One
 * per store, as the evaluation queue: bots of another store sharing the Redis never take its fires.
 */
export function openScheduleQueue(env: NodeJS.ProcessEnv, storeId: string): Queue.Queue {
  return openQueue(`${SCHEDULE_QUEUE_NAME}-${storeId}`, env);
}

const require = createRequire(import.meta.url);

/**
 * Loads Bull ahead of a first queue, its largest dependencies (resolved as Bull resolves them) one a macrotask:
 * required at once they hold the event loop ~0.1-0.2 s (with the bot's first leaderboard at start, an ack
 * took 125 ms), in slices none takes more than ~50 ms (ioredis ~30-45, lodash ~14, cron-parser ~8, Bull's own ~25). Later calls resolve at once.
 */
export function loadBull(): Promise<void> {
  return (bullLoading ??= (async () => {
    const fromBull = createRequire(require.resolve('bull'));
    // A slice each, the first too (its caller may have just opened the store in the same macrotask).
    for (const load of [() => fromBull('ioredis'), () => fromBull('lodash'), () => fromBull('cron-parser')]) {
      await nextTurn();
      load();
    }
    await nextTurn();
    require('bull');
  })());
}
let bullLoading: Promise<void> | undefined;

/** Anything holding a Redis connection: a Bull queue, or the bare client of openRedisCheck. */
export type WithRedis = Pick<Queue.Queue, 'client'>;

/**
 * A bare Redis connection (ioredis, Bull's own client) for what needs Redis but no queue: the bot's checks of
 * Redis at start and its look for schedule timers. Bull, with lodash and cron-parser, then loads with the
 * first run queued or schedule installed, not at every bot's start (~7 MB of its memory: bench/bot-memory.ts).
 * `close` ends the connection at once.
 */
export function openRedisCheck(env: NodeJS.ProcessEnv): WithRedis & { close(): void } {
  const Redis = createRequire(require.resolve('bull'))('ioredis') as new (options: RedisOptions) => WithRedis['client'];
  const client = new Redis(redisOptions(env));
  // Connection errors are retried by ioredis and reported by ensureReachable.
  client.on('error', () => {});
  return { client, close: () => client.disconnect() };
}

/** The key of a queue's repeatable jobs, as Bull names it (`<prefix>:<queue>:repeat`, bull/lib/queue.js toKey). */
function repeatKey(env: NodeJS.ProcessEnv, queueName: string): string {
  return `${queuePrefix(env)}:${queueName}:repeat`;
}

/**
 * How many schedule timers (Bull's repeatable jobs) the schedule queue of `storeId` holds, read with a bare
 * connection (openRedisCheck) so that Bull need not load when there are none and none are wanted.
 */
export async function scheduleTimersIn(redis: WithRedis, env: NodeJS.ProcessEnv, storeId: string): Promise<number> {
  return redis.client.zcard(repeatKey(env, `${SCHEDULE_QUEUE_NAME}-${storeId}`));
}

/** Tests and separate deployments on one Redis use their own prefix (settings.ts). */
export { queuePrefix };

/**
 * Why `jcb status` here sees nothing of a run under way: it was queued from another deployment (another
 * JCB_QUEUE_PREFIX on this store), whose queue this one does not read; undefined for this one's runs and older runs.
 */
export function queuedElsewhere(run: { queue?: string | null }, env: NodeJS.ProcessEnv): string | undefined {
  if (!run.queue || run.queue === queuePrefix(env)) return undefined;
  return `queued from another deployment (queue prefix ${run.queue}): its jobs are not visible here`;
}

function openQueue<T>(name: string, env: NodeJS.ProcessEnv): Queue.Queue<T> {
  // Every setting now, before anything is queued: not at the first chunk, after a run was created.
  checkQueueSettings(env);
  // A killed worker's job is taken again within lockDuration + stalledInterval (≤ 12 s by default):
  // its lock, renewed every lockDuration / 2, expires, and the next stall check moves the job back.
  const lockMs = queueNumber(env, 'JCB_QUEUE_LOCK_MS');
  // Bull (with ioredis, lodash: ~0.15 s CPU, ~30 MB) loads with a process's first queue, not with every command.
  const Bull = require('bull') as typeof Queue;
  const queue = new Bull<T>(name, {
    // Options, not the URL: Bull reads a URL without its `rediss://` (redisOptions).
    redis: redisOptions(env),
    prefix: queuePrefix(env),
    // A worker that dies leaves its job locked: after lockDuration it is stalled and taken again.
    settings: { lockDuration: lockMs, stalledInterval: Math.max(500, lockMs / 2), maxStalledCount: 3 },
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    },
  });
  // Connection errors are retried by ioredis; they are reported by the callers that need Redis now.
  queue.on('error', () => {});
  quietClients(queue);
  return queue;
}

/**
 * Every client of `queue` (Bull makes them lazily) keeps a listener of its errors after the queue closes: Bull takes
 * its own off at close, and a client closed mid-TLS-handshake (rediss:// to a plain Redis) then reported its socket's
 * end through ioredis's "[ioredis] Unhandled error event" and a stack (breaker K1).
 */
function quietClients(queue: Queue.Queue): void {
  const quiet = (client: { on(event: 'error', listener: () => void): unknown }) => void client.on('error', () => {});
  const clients = (queue as unknown as { clients: Parameters<typeof quiet>[0][] }).clients;
  clients.forEach(quiet);
  const push = clients.push.bind(clients);
  clients.push = (...added) => (added.forEach(quiet), push(...added));
}

/**
 * Fails fast, with what to do, when Redis cannot be reached (ioredis would otherwise wait for it) or refuses the
 * connection's password or database (probeRedis; ioredis would go on in database 0). @throws UserError, RedisRefused.
 */
export async function ensureReachable(queue: WithRedis, env: NodeJS.ProcessEnv, timeoutMs = 1500): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // What the client met while trying (connection refused, host not found): said in place of "timed out".
  let met: Error | undefined;
  const heard = (err: Error) => void (met = err);
  queue.client.on('error', heard);
  try {
    // Connected as the queue's client is (redisOptions): a refused password or database in its own line. (The
    // ping's timer starts after it: started before, it fired unheard while a slow probe ran, an unhandled rejection.)
    await probeRedis(env, timeoutMs);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(met ?? new Error('timed out')), timeoutMs);
    });
    // If the timeout wins, the ping stays queued until the connection closes and is then rejected:
    // handled here, or it would surface as an unhandled rejection long after.
    const ping = queue.client.ping();
    ping.catch(() => {});
    await Promise.race([ping, timeout]);
  } catch (err) {
    if (err instanceof RedisRefused) throw err;
    throw new UserError(
      'The evaluation queue is unavailable.',
      'Single documents (`/jcb run`) work without it; ask whoever runs the bot to start Redis.',
      {
        // In words, as doctor says it: never Node's `connect ECONNREFUSED 127.0.0.1:6379`, the address again.
        detail: `Redis at ${redisPlace(env)}: ${redisFailure(err)}`,
        hint: 'Start Redis or set REDIS_URL; single documents (`run`) work without it.',
      },
    );
  } finally {
    clearTimeout(timer);
    queue.client.off('error', heard);
  }
}

/** Whether Redis keeps anything on disk (AOF or RDB snapshots); undefined when CONFIG is not allowed. */
export async function redisPersists(queue: WithRedis): Promise<boolean | undefined> {
  try {
    const [, aof] = (await queue.client.config('GET', 'appendonly')) as string[];
    const [, save] = (await queue.client.config('GET', 'save')) as string[];
    return aof === 'yes' || Boolean(save?.trim());
  } catch {
    return undefined; // managed Redis often disables CONFIG
  }
}

/**
 * Removes a run's jobs not yet taken by a worker; returns how many were removed and how many workers
 * hold (those stop before their next document, once they see the run cancelled). A job taken between
 * the listing and its removal is locked, and Bull refuses to remove it: it counts as held.
 */
export async function removeWaitingJobs(
  queue: Queue.Queue<ChunkJob>,
  runId: string,
): Promise<{ removed: number; held: number }> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'paused']);
  const mine = jobs.filter((j) => j?.data.runId === runId);
  const removals = await Promise.allSettled(mine.map((j) => j.remove()));
  const removed = removals.filter((r) => r.status === 'fulfilled').length;
  const active = (await queue.getJobs(['active'])).filter((j) => j?.data.runId === runId).length;
  return { removed, held: active + mine.length - removed };
}
