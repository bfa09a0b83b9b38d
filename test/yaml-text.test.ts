// YAML people write, read wrong: one line naming the file and the place, from every reader of such a file
// (break-urls: the registry's error took three lines; the schedules' was an "unexpected error").
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { loadModels } from '../src/models/registry.js';
import { loadSchedules } from '../src/queue/schedules.js';

const bad = path.join(mkdtempSync(path.join(os.tmpdir(), 'jcb-yaml-')), 'bad.yml');
writeFileSync(bad, 'models:\n  a: [\n');

describe('a YAML file that does not parse', () => {
  it.each([
    ['the model registry', () => loadModels({ JCB_MODELS: bad })],
    ['the schedules', () => loadSchedules({ JCB_SCHEDULES: bad })],
  ])('%s: one line naming the file and the line; in Slack, whom to ask', (_what, read) => {
    let err: unknown;
    try {
      read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const line = userErrorText(err as UserError, 'terminal');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^The (model registry|schedules file) is not valid YAML: \S*bad\.yml: .* at line 3, column 1\. Correct it/);
    expect(userErrorText(err as UserError, 'chat')).toMatch(
      /^The (model registry|schedules file) is not valid YAML; ask the bot's operator\.$/,
    );
  });
});
