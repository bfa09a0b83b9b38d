// An open Store on a fresh SQLite database for each test of a describe: what the tests of one store's rows set up.
import { afterEach, beforeEach } from 'vitest';
import { Store } from '../src/store/store.js';
import { freshStore, type TestStore } from './helpers.js';

/** Registers the enclosing describe's hooks; `store` is a new open Store before each test, closed and dropped after. */
export function storeEachTest(): { store: Store } {
  const held = {} as { store: Store; fresh: TestStore };
  beforeEach(async () => {
    held.fresh = await freshStore('sqlite');
    held.store = await Store.open(held.fresh.env);
  });
  afterEach(async () => {
    await held.store.close();
    await held.fresh.drop();
  });
  return held;
}
