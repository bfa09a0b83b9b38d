// A write that the database dropped the connection under is retried on a new connection (the pool
// makes one); only idempotent writes (upserts) go through here.
import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionLoss } from './errors.js';

/**
 * Runs `write`, again after 0.5, 1 and 2 s while the error is a lost connection; then gives up with
 * the last error (which the callers report as a store error, with how to resume).
 */
export async function retryOnConnectionLoss<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts || !isConnectionLoss(err)) throw err;
      await sleep(250 * 2 ** attempt);
    }
  }
}
