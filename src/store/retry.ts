// The one retry policy of the store: every public method of a Store goes through `retrying`, so a
// connection the database dropped (a restart, a failover, pg_terminate_backend, a cut network) or a
// lock another process holds costs a wait, not a crash. What a call writes is made once per call
// (`callStamp`), so that a retry of a write that did commit writes the same row again.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEvents, setTimeout as sleep } from 'node:timers/promises';
import { isTransient } from './errors.js';

export interface RetryPolicy {
  /** How long a call keeps trying (ms) before its last error is thrown. */
  budgetMs: number;
  /** The first wait (ms); doubled after each failure, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** JCB_STORE_RETRY_MS (default 30 s): long enough for a PostgreSQL restart or failover. */
export function retryPolicy(env: NodeJS.ProcessEnv): RetryPolicy {
  const budget = Number(env.JCB_STORE_RETRY_MS);
  return { budgetMs: Number.isFinite(budget) && budget >= 0 ? budget : 30_000, baseDelayMs: 100, maxDelayMs: 2_000 };
}

interface CallStamp {
  /** The call's time, ISO 8601: the same in every attempt. */
  now: string;
  /** 8 random hex digits, the same in every attempt. */
  nonce: string;
}

const calls = new AsyncLocalStorage<CallStamp>();

/** A shorter retry window for the store calls made inside `withRetryBudget` (someone waits for an answer). */
const budgets = new AsyncLocalStorage<number>();

/**
 * Runs `work` with every store call in it retried for at most `ms` (or the policy's budget, if shorter): the bot
 * answers a person that the store is unavailable after 10 s rather than 30 s; workers keep the whole window.
 */
export function withRetryBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  return budgets.run(ms, work);
}

const freshStamp = (): CallStamp => ({ now: new Date().toISOString(), nonce: randomBytes(4).toString('hex') });

/** The time and nonce of the store call under way (fresh ones outside a call). */
export function callStamp(): CallStamp {
  return calls.getStore() ?? freshStamp();
}

/**
 * Runs `call` until it succeeds, its error is not transient (see isTransient), or `policy.budgetMs`
 * has passed; waits with exponential backoff in between. `yieldFirst` lets the event loop run
 * before the call (a synchronous driver such as better-sqlite3 would otherwise starve signals and
 * timers during a long run).
 */
export async function retrying<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  yieldFirst: boolean,
  worthRetrying: (err: unknown) => boolean = isTransient,
): Promise<T> {
  return calls.run(callStamp(), async () => {
    const start = Date.now();
    const budgetMs = Math.min(policy.budgetMs, budgets.getStore() ?? Infinity);
    for (let attempt = 0; ; attempt++) {
      if (yieldFirst) await yieldToEvents();
      try {
        return await call();
      } catch (err) {
        const delay = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
        if (!worthRetrying(err) || Date.now() - start + delay > budgetMs) throw err;
        await sleep(delay);
      }
    }
  });
}

/**
 * Puts every method of `target`'s class chain (but `except`) behind `retrying`. Listed from the
 * prototypes, so a method added later is covered without anyone remembering to.
 */
export function retryEveryMethod(target: object, policy: RetryPolicy, yieldFirst: boolean, except: string[]): void {
  for (const name of storeMethods(Object.getPrototypeOf(target) as object)) {
    if (except.includes(name)) continue;
    const method = (target as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!;
    Object.defineProperty(target, name, {
      value: (...args: unknown[]) => retrying(() => method.apply(target, args), policy, yieldFirst),
      writable: true,
      configurable: true,
    });
  }
}

/** The method names of a prototype chain up to Object (the store's interface). */
export function storeMethods(proto: object): string[] {
  const names = new Set<string>();
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object)
    for (const name of Object.getOwnPropertyNames(p))
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, name)?.value === 'function')
        names.add(name);
  return [...names];
}
