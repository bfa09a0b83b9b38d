// The private task fixture of the tests (issue 33): a task file of our own marked `private: true`, and a model
// registry with an on-premises model.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, TEST_MODELS } from './helpers.js';

export const PRIVATE_TASKS = path.join(FIXTURES, 'private');
/** Every note and gold item of the private fixture holds it: found anywhere sent, it is a leak. */
export const PRIVATE_MARK = /秘匿/;

/**
 * The test registry, with an on-premises model `ward-llm` at `baseUrl` (or external, `policy`) and, given
 * `externalUrl`, an external OpenAI-compatible model `ext-llm` there (a server a test can count requests of).
 */
export function privateModels(baseUrl: string, policy: 'on-premises' | 'external' = 'on-premises', externalUrl?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-private-models-'));
  const file = path.join(dir, 'models.yml');
  writeFileSync(
    file,
    `${TEST_MODELS}  ward-llm:\n    provider: openai-compatible\n    model: ward-model\n    baseUrl: ${baseUrl}\n    dataPolicy: ${policy}\n    maxRetries: 0\n    freeText: true\n` +
      (externalUrl
        ? `  ext-llm:\n    provider: openai-compatible\n    model: ext-model\n    baseUrl: ${externalUrl}\n    maxRetries: 0\n    freeText: true\n    prices: { input: 0, output: 0 }\n`
        : ''),
  );
  return file;
}

