// Services over a fresh store and a model registry file (fake-provider.ts modelsFile), with nock refusing the network,
// once for a describe over the release copy at `dir` (servicesOverNock: fresh for each test, over the miniature release).
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createServices } from '../src/services/index.js';
import { freshStore, inThreadTokenizer, type TestStore } from './helpers.js';

export interface NockedServices {
  services: ReturnType<typeof createServices>;
  store: TestStore;
}

/**
 * Registers the enclosing describe's hooks (the network refused to all but nock's interceptors, cleaned after each
 * test); the returned object's fields are set once its beforeAll has run. `models`: the registry file's path.
 */
export function nockedServices(
  dir: string,
  models: () => string,
  kind: 'sqlite' | 'postgres' = 'sqlite',
): NockedServices {
  const made = {} as NockedServices;
  beforeAll(async () => {
    nock.disableNetConnect();
    made.store = await freshStore(kind);
    made.services = createServices({
      env: { JCB_DATA_DIR: dir, JCB_MODELS: models(), ...made.store.env },
      tokenizer: inThreadTokenizer(),
      retryBaseDelayMs: 1,
    });
  });
  afterAll(async () => {
    await made.services.close();
    await made.store.drop();
    nock.enableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  return made;
}
