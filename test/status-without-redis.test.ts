// `jcb status` of a queued run while Redis does not answer (break-store): at once, with what is stored and a
// cause saying the queue could not be seen, not after the queue client's retries (~4 minutes) with stale figures.
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, runRow } from './helpers.js';

describe('status of a queued run, Redis down', () => {
  let close = async () => {};
  afterAll(() => close());

  it('answers within seconds and says the queue could not be seen', async () => {
    const fresh = await freshStore('sqlite');
    const env = { ...process.env, ...FIXTURE_ENV, ...fresh.env, REDIS_URL: 'redis://127.0.0.1:1' };
    const store = await Store.open(env);
    await store.createRun({ ...runRow('q1', 'queued'), planned: 4 });
    await store.close();
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    close = () => services.close();
    const started = Date.now();
    const [progress] = await services.status('q1');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(progress.cause).toMatch(/^its jobs cannot be seen: .*connection refused/);
  }, 60_000);
});
