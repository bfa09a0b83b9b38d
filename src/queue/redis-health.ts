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
 * maxmemory is reached; `volatile-*` ones drop the job locks. `fix` wraps the operator's remedy (stall-cause.ts marks
 * it with `operatorFix`: a Slack user is told to ask the operator instead).
 */
export function evictionProblem(h: RedisHealth, fix = (remedy: string) => remedy): string | undefined {
  if (h.policy === 'noeviction' || h.policy === 'unknown') return undefined;
  const evicted = h.evictedKeys ? `; it has evicted ${h.evictedKeys.toLocaleString('en-US')} keys so far` : '';
  return `Redis may evict keys (maxmemory-policy ${h.policy}${evicted}): queued jobs vanish and runs stall${fix('. Set maxmemory-policy noeviction')}`;
}

/** What to say when the policy cannot be read: check it by hand. */
export function unknownPolicyWarning(h: RedisHealth): string | undefined {
  if (h.policy !== 'unknown') return undefined;
  return `Redis refused CONFIG GET maxmemory-policy: check by hand that it is noeviction (${EVICTION_README}); any other policy loses queued jobs`;
}

/** A TLS handshake that failed (rediss://): the certificate, or no TLS at the other end. */
const TLS_WORDS: Record<string, string> = {
  EPROTO: 'no TLS answers there (rediss:// asks for TLS; redis:// is plain)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'no TLS answers there (rediss:// asks for TLS; redis:// is plain)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed, not trusted (NODE_EXTRA_CA_CERTS names a CA file)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted (NODE_EXTRA_CA_CERTS names a CA file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted (NODE_EXTRA_CA_CERTS names a CA file)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate is not trusted (NODE_EXTRA_CA_CERTS names a CA file)',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/**
 * Why Redis did not answer, in words, on one line: refused (nothing listens), unknown host, timed out, a TLS
 * handshake refused; else the message's first line (OpenSSL's messages run over lines and name its sources).
 */
export function redisFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? /\b(E[A-Z]+)\b/.exec((err as Error).message)?.[1];
  const words: Record<string, string> = {
    ECONNREFUSED: 'nothing answers there (connection refused)',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'unknown host',
    ETIMEDOUT: 'no answer in time',
    EHOSTUNREACH: 'the host cannot be reached',
    ECONNRESET: 'the connection was reset (a TLS Redis spoken to in plain text, or the reverse?)',
    ...TLS_WORDS,
  };
  if (code && Object.hasOwn(words, code)) return words[code];
  if (/wrong version number|packet length too long/i.test((err as Error).message)) return TLS_WORDS.EPROTO;
  return String((err as Error).message).split('\n')[0];
}
