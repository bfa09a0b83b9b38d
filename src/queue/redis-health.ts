// What the queue assumes of Redis, read from Redis itself: that it never evicts keys (Bull's jobs,
// locks and lists are ordinary keys; an evicted one is a job lost or a lock gone) and whether it has.
import type Queue from 'bull';

type Redis = Queue.Queue['client'];

export interface RedisHealth {
  /** maxmemory-policy, or 'unknown' where CONFIG GET is refused (managed services often refuse it). */
  policy: string;
  /** Keys Redis has evicted since it started (INFO stats), when it says. */
  evictedKeys?: number;
}

/** The README section that says how to check the policy by hand when CONFIG is refused. */
export const EVICTION_README = 'README, "Redis and the store in production"';

/** A reply that says the command is not allowed here (disabled, renamed, no permission), not a lost connection. */
const refused = (err: unknown) => /unknown command|NOPERM|not allowed|disabled/i.test((err as Error).message);

/**
 * Reads the eviction policy and the count of evicted keys. A refused command leaves its part unknown;
 * a connection error is thrown (the caller says Redis is unavailable, not that its policy is unknown).
 */
export async function redisHealth(client: Redis): Promise<RedisHealth> {
  let policy = 'unknown';
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    if (reply[1]) policy = reply[1];
  } catch (err) {
    if (!refused(err)) throw err;
  }
  let evictedKeys: number | undefined;
  try {
    const match = /^evicted_keys:(\d+)/m.exec(await client.info('stats'));
    if (match) evictedKeys = Number(match[1]);
  } catch (err) {
    if (!refused(err)) throw err;
  }
  return { policy, evictedKeys };
}

/**
 * Why this Redis may lose jobs, or undefined when it keeps every key: any policy but `noeviction`
 * (Bull's requirement: https://github.com/OptimalBits/bull#important-notes) drops keys once
 * maxmemory is reached; `volatile-*` ones drop the job locks.
 */
export function evictionProblem(h: RedisHealth): string | undefined {
  if (h.policy === 'noeviction' || h.policy === 'unknown') return undefined;
  const evicted = h.evictedKeys ? `; it has evicted ${h.evictedKeys.toLocaleString('en-US')} keys so far` : '';
  return `Redis may evict keys (maxmemory-policy ${h.policy}${evicted}): queued jobs vanish and runs stall. Set maxmemory-policy noeviction`;
}

/** What to say when the policy cannot be read: check it by hand. */
export function unknownPolicyWarning(h: RedisHealth): string | undefined {
  if (h.policy !== 'unknown') return undefined;
  return `Redis refused CONFIG GET maxmemory-policy: check by hand that it is noeviction (${EVICTION_README}); any other policy loses queued jobs`;
}

/** Why Redis did not answer, in words: refused (nothing listens), unknown host, timed out; else the message. */
export function redisFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? /\b(E[A-Z]+)\b/.exec((err as Error).message)?.[1];
  const words: Record<string, string> = {
    ECONNREFUSED: 'nothing answers there (connection refused)',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'unknown host',
    ETIMEDOUT: 'no answer in time',
    EHOSTUNREACH: 'the host cannot be reached',
  };
  return (code && words[code]) ?? (err as Error).message;
}
