// Services over a fresh store and a model registry file, with nock refusing the network: what the tests of live
// models against stand-in servers set up around a describe (over the release copy at `dir`).
import nock from 'nock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** A model registry file holding `yaml`, in a folder of its own named after `prefix`. */
export function registryFile(yaml: string, prefix: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), prefix)), 'models.yml');
  writeFileSync(file, yaml);
  return file;
}
