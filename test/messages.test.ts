// Messages as a kind (break1, kind 6): a file or an option zod refuses is said in one line naming the field (or
// the option typed), never in zod's words, and any echo of the input is cut to 80 characters.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { addModel, parseRegistry } from '../src/models/registry.js';
import { loadSchedules } from '../src/queue/schedules.js';
import { loadTaskFile, problemLine } from '../src/tasks/task-file/load.js';
import { testModelsFile } from './helpers.js';

const ZOD = /Invalid input|Invalid (URL|option|key)|expected \w+, received|Unrecognized key|Too (big|small)/;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-messages-'));

const problemsOf = (text: string) => {
  const file = path.join(scratch, `t${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return loadTaskFile({ file, source: 'task file' }, process.env, new Set()).problems;
};

/** The text of one echo in a line: what is in quotes, joined. */
const echoes = (line: string) => [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]);

describe('task files (tasks check)', () => {
  it('a file that is no mapping is not a task file, in one line', () => {
    for (const text of ['hi\n', '- a\n- b\n', '42\n'])
      expect(problemsOf(text).map((p) => problemLine(p, 'chat'))).toEqual([
        expect.stringMatching(
          /: \(file\): not a task file \(a YAML mapping with id, title, data, prompts, answer, metrics\)\.$/,
        ),
      ]);
  });

  it('a mapping of other keys: each problem names its key, no zod words, the unknown keys cut to 80 characters', () => {
    const keys = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`Key${i}`, 'x']));
    const lines = problemsOf(stringify(keys)).map((p) => problemLine(p, 'chat'));
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l).not.toMatch(ZOD);
    expect(lines).toContainEqual(expect.stringMatching(/: id: missing \(give a text\)\.$/));
    const unknown = lines.find((l) => /unknown keys/.test(l))!;
    expect(Array.from(unknown.slice(unknown.indexOf('unknown keys') + 13)).length).toBeLessThanOrEqual(82);
  });

  it('any YAML value: every problem free of zod words, every echo at most 80 characters', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        for (const p of problemsOf(stringify(v))) {
          const line = problemLine(p, 'chat');
          expect(line).not.toMatch(ZOD);
          for (const e of echoes(p.message)) expect(Array.from(e).length).toBeLessThanOrEqual(80);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the model registry and schedules', () => {
  it('a registry that is no mapping, or without models, is said in words', () => {
    for (const text of ['hi\n', 'other: 1\n', 'models: 3\n']) {
      let message = '';
      try {
        parseRegistry(text, 'models.yml');
      } catch (err) {
        message = userErrorText(err as UserError, 'terminal');
      }
      expect(message).toMatch(/^The model registry is not valid: models\.yml: /);
      expect(message).not.toMatch(ZOD);
    }
  });

  it('a schedules file that is no mapping names no empty key', () => {
    const file = path.join(scratch, 'schedules.yml');
    writeFileSync(file, 'hi\n');
    // The file is the operator's (Slack: whom to ask); a terminal names it and what is wrong in it.
    expect(() => loadSchedules({ JCB_SCHEDULES: file })).toThrow(
      /^The schedules file is not valid\{\{fix:: \S+schedules\.yml: the file: must be a mapping/,
    );
  });

  it('models add names the option typed (--base-url), not the registry key, and leaves the registry as it was', () => {
    const models = path.join(scratch, 'models.yml');
    copyFileSync(testModelsFile(), models);
    const before = readFileSync(models, 'utf8');
    const env = { JCB_MODELS: models };
    const add = (entry: Record<string, unknown>) => {
      try {
        addModel('bad', entry, env);
      } catch (err) {
        return (err as Error).message;
      }
      return '(added)';
    };
    for (const baseUrl of [undefined, 'notaurl'])
      expect(add({ provider: 'openai-compatible', model: 'x', ...(baseUrl ? { baseUrl } : {}) })).toMatch(
        /^Model "bad" not added: --base-url: [^\n]*URL[^\n]*\.$/,
      );
    expect(add({ provider: 'openai-compatible', model: 'x', baseUrl: 'http://h/v1', apiKeyEnv: 3 })).toMatch(
      /--api-key-env/,
    );
    expect(readFileSync(models, 'utf8')).toBe(before);
  });
});
