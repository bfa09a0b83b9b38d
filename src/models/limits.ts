// Concurrency, rate and retry limits for live providers.

/** At most `size` holders at once; the others wait in order. */
export class Semaphore {
  private waiting: (() => void)[] = [];
  private held = 0;

  constructor(private readonly size: number) {}

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.held >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    }
  }
}

/** Spaces request starts so that no more than `perMinute` start in any minute. */
export class RateLimiter {
  private next = 0;

  constructor(private readonly perMinute: number | undefined) {}

  async wait(): Promise<void> {
    if (!this.perMinute) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 60_000 / this.perMinute;
    if (at > now) await sleep(at - now);
  }
}

/** Waits `ms`, or rejects when `signal` aborts; leaves no listener on the signal either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => (clearTimeout(timer), reject(signal!.reason));
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal of its own for one request, aborted when `parent` is: what the request's libraries attach
 * to it goes away with it. `dispose` removes the one listener this puts on `parent`.
 */
export function linkedSignal(parent: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const own = new AbortController();
  if (!parent) return { signal: own.signal, dispose: () => {} };
  const onAbort = () => own.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  return { signal: own.signal, dispose: () => parent.removeEventListener('abort', onAbort) };
}

export interface RetryPolicy {
  maxRetries: number;
  /** The first backoff; each retry doubles it, with jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface Failure {
  retryable: boolean;
  /** What the server asked for (`retry-after-ms`, `Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /** Retries this kind of failure gets at most, below the policy's (a timeout: 1). */
  retryLimit?: number;
  /**
   * A failure on the server's side (FAILURE_SIDE in src/models/server-reply.ts: not reached, no answer in time, a
   * 5xx, an error body with a 5xx code): while it lasts, every document fails so (evaluation/engine.ts stops
   * taking them after some in a row).
   */
  serverDown?: true;
  /**
   * A failure of the configuration (FAILURE_SIDE: the key, the model's name, the quota, a setting jcb sends): the
   * documents in a row failed so after which a run stops (CONFIGURATION_IN_A_ROW, src/models/failure-side.ts).
   */
  misconfigured?: number;
  message: string;
}

/**
 * Runs `attempt` until it succeeds, a failure is final, or the retries are spent (the policy's, or fewer for
 * a failure with its own `retryLimit`). A server asking to wait longer than `maxDelayMs` fails at once, its
 * message naming the wait. `onRetry` hears of each retry as it is decided (the attempt that failed, 1-based,
 * and why), so that progress can show it.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  classify: (err: unknown) => Failure,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (failedAttempt: number, failure: Failure) => void,
): Promise<{ value: T; attempts: number } | { failure: Failure; attempts: number }> {
  for (let tries = 1; ; tries++) {
    try {
      return { value: await attempt(), attempts: tries };
    } catch (err) {
      if (signal?.aborted) throw err;
      const failure = classify(err);
      if (!failure.retryable || tries > Math.min(policy.maxRetries, failure.retryLimit ?? Infinity))
        return { failure, attempts: tries };
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxDelayMs) {
        const asked = `the server asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s (Retry-After), more than the ${policy.maxDelayMs / 1000} s jcb waits`;
        return { failure: { ...failure, retryable: false, message: `${failure.message}; ${asked}` }, attempts: tries };
      }
      onRetry?.(tries, failure);
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tries - 1)) * (0.5 + Math.random() / 2);
      await sleep(failure.retryAfterMs ?? backoff, signal);
    }
  }
}
