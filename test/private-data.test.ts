// Private tasks (issue 33): the data policy (src/policy/data-policy.ts) decides, and every sending path asks it.
// A private task of our own (test/fixtures/private) goes to an on-premises model and the baseline, and is refused
// for an external one before any request (run, eval, dry run, queue, ask, judge), at the request itself when the
// registry changes under a running provider, and in the engine before its cache. A pack marked private makes
// every task of it private (test/fixtures/private-packs).
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataPolicyOf,
  isPrivate,
  mayReceive,
  mayShowText,
  PrivateDataError,
  requireMayWrite,
} from '../src/policy/data-policy.js';
import { createServices, type Services } from '../src/services/index.js';
import { findTask } from '../src/evaluation/documents.js';
import { findModel } from '../src/models/registry.js';
import { createProvider } from '../src/models/index.js';
import { packIsPrivate } from '../src/release/packs.js';
import { FIXTURE_ENV, FIXTURES, freshStore, inThreadTokenizer, localChatServer } from './helpers.js';
import { PRIVATE_TASKS, privateModels } from './private-fixture.js';

describe('the data policy decides', () => {
  const priv = { id: 'p', origin: { file: 'f', source: 'task file', nonCommercial: false, private: true } };
  const open = { id: 'o', origin: { file: 'f', source: 'task file', nonCommercial: false } };
  const external = { alias: 'x', provider: 'openai-compatible', dataPolicy: 'external' as const };
  const onPrem = { alias: 'y', provider: 'openai-compatible', dataPolicy: 'on-premises' as const };

  it('sends a private task only to on-premises models; the OpenAI API is external whatever it says', () => {
    expect(mayReceive(priv, onPrem)).toBe(true);
    expect(mayReceive(priv, external)).toBe(false);
    expect(mayReceive(priv, { alias: 'o', provider: 'openai', dataPolicy: 'on-premises' })).toBe(false);
    expect(mayReceive(priv, { alias: 'b', provider: 'baseline' })).toBe(true);
    expect(mayReceive(open, external)).toBe(true);
    expect(dataPolicyOf({ alias: 'c', provider: 'openai-compatible' })).toBe('external');
    expect(isPrivate(findTask('mr'))).toBe(false);
  });

  it('never shows its text in Slack; writes it only with --include-private', () => {
    expect(mayShowText(priv, 'slack')).toBe(false);
    expect(mayShowText(priv, 'terminal')).toBe(true);
    expect(mayShowText(open, 'slack')).toBe(true);
    expect(() => requireMayWrite([open, priv], false, '-o')).toThrow(/p is private: -o would write its text/);
    expect(requireMayWrite([open, priv], true, '-o')).toBe(true);
    expect(requireMayWrite([open], false, '-o')).toBe(false);
  });
});

/**
 * Registers, in the calling `describe`, services on a fresh SQLite store over the miniature release with `tasks`,
 * the private fixture's models (the on-premises one served on loopback, `server`), and api.openai.com on nock
 * recording in `openai` every body that reaches it; nothing else leaves the machine.
 */
function privateServices(openai: string[], tasks: { JCB_TASKS: string; JCB_PACKS_TASKS: string }) {
  const t = {} as { services: Services; server: Awaited<ReturnType<typeof localChatServer>> };
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock('https://api.openai.com')
      .persist()
      .post(/.*/)
      .reply(200, (_u, body) => (openai.push(JSON.stringify(body)), {}));
    t.server = await localChatServer(() => "['秘匿薬ベータ']", 0, true);
    const store = await freshStore('sqlite');
    t.services = createServices({
      env: {
        ...FIXTURE_ENV,
        ...store.env,
        JCB_MODELS: privateModels(t.server.url),
        TEST_OPENAI_KEY: 'sk-test',
        ...tasks,
      },
      tokenizer: inThreadTokenizer(),
      retryBaseDelayMs: 1,
    });
  });
  afterAll(async () => {
    await t.services.close();
    await t.server.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return t;
}

describe('a private task of our own through the t.services', () => {
  const openai: string[] = [];
  const t = privateServices(openai, { JCB_TASKS: PRIVATE_TASKS, JCB_PACKS_TASKS: '/nonexistent' });

  it('lists the private task with the models allowed (jcb doctor)', async () => {
    expect(t.services.privateTasks()).toEqual([{ task: 'ward-meds', allowed: ['baseline', 'ward-llm'] }]);
    const doctor = (await t.services.doctor()).filter((i) => i.what === 'private task');
    expect(doctor.map((i) => [i.where, i.detail.split(';')[0]])).toEqual([
      ['ward-meds', 'private: sent only to baseline, ward-llm'],
    ]);
  });

  it('runs on the on-premises model and the baseline', async () => {
    const r = await t.services.run({ task: 'ward-meds', model: 'ward-llm', doc: 'w2', shot: 'zero' });
    expect(r.output).toContain('秘匿薬ベータ');
    const b = await t.services.run({ task: 'ward-meds', model: 'baseline', doc: 'w2', shot: 'one' });
    expect(b.document.id).toBe('w2');
  });

  it('records every access to the private task: who, what, where', async () => {
    await t.services.auditPrivate(['ward-meds', 'mr'], {
      user: 'U1',
      act: 'run',
      model: 'ward-llm',
      place: 'slack:C1',
    });
    const rows = await t.services.privateAccess();
    expect(rows[0]).toMatchObject({ user: 'U1', act: 'run', task: 'ward-meds', model: 'ward-llm', place: 'slack:C1' });
    expect(rows.filter((r) => r.task === 'mr')).toEqual([]);
  });

  it.each([
    ['run', (s: Services) => s.run({ task: 'ward-meds', model: 'openai-test', doc: 'w2', shot: 'zero' })],
    ['eval', (s: Services) => s.evaluate({ task: 'ward-meds', model: 'openai-test', shot: 'zero' })],
    ['eval --dry-run', (s: Services) => s.estimate({ task: 'ward-meds', model: 'openai-test', shot: 'zero' })],
    ['ask', (s: Services) => s.ask({ task: 'ward-meds', model: 'openai-test', text: 'aspirin' })],
    [
      'eval of several tasks',
      (s: Services) => s.evaluate({ task: 'mr,ward-meds', model: 'openai-test', shot: 'zero' }),
    ],
  ])('%s on an external model is refused in one line, before any request', async (_name, call) => {
    const err = await call(t.services).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrivateDataError);
    expect((err as Error).message).toBe(
      'ward-meds is private: its documents go only to on-premises models, and openai-test is external.',
    );
    expect(openai).toEqual([]);
  });

  it('is refused at the request when the registry turned the model external after its provider was built', async () => {
    const task = findTask('ward-meds');
    const env = { ...FIXTURE_ENV, JCB_MODELS: privateModels(t.server.url), JCB_TASKS: PRIVATE_TASKS };
    const provider = createProvider(findModel('ward-llm', env), { release: () => undefined as never, env });
    const doc = task.loadDocuments(undefined as never)[0];
    const before = t.server.calls();
    await provider.generate({ task, document: doc, shot: 'zero', prompt: doc.text });
    expect(t.server.calls()).toBe(before + 1);
    writeFileSync(env.JCB_MODELS, readFileSync(privateModels(t.server.url, 'external'), 'utf8'));
    // The registry is read again when its file's mtime changes.
    utimesSync(env.JCB_MODELS, new Date(), new Date(Date.now() + 5000));
    await expect(provider.generate({ task, document: doc, shot: 'zero', prompt: doc.text })).rejects.toThrow(
      PrivateDataError,
    );
    expect(t.server.calls()).toBe(before + 1);
  });
});

describe('a pack marked private (packs/<name>/pack.yml `private: true`)', () => {
  const packs = path.join(FIXTURES, 'private-packs');
  const openai: string[] = [];
  const t = privateServices(openai, { JCB_TASKS: '', JCB_PACKS_TASKS: packs });

  it("makes every task of the pack private, whatever its task file says; a task's own key still works", () => {
    expect(t.services.taskFileProblems()).toEqual([]);
    // ward-pack is private (ward-notes says `private: false`); open-pack is not, but open-secret says so itself.
    expect(t.services.privateTasks().map((p) => p.task)).toEqual(['open-secret', 'ward-labs', 'ward-notes']);
    expect(t.services.isPrivateTask('open-plain')).toBe(false);
    expect(t.services.privateTasks()[1].allowed).toEqual(['baseline', 'ward-llm']);
  });

  it.each(['ward-labs', 'ward-notes', 'open-secret'])(
    '%s goes to the on-premises model and is refused for an external one before any request',
    async (task) => {
      expect((await t.services.run({ task, model: 'ward-llm', doc: 'w2', shot: 'zero' })).task.private).toBe(true);
      const err = await t.services
        .run({ task, model: 'openai-test', doc: 'w2', shot: 'zero' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrivateDataError);
      expect(openai).toEqual([]);
    },
  );

  it('reads a manifest whose `private` is not true or false, or is unreadable, as private', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-pack-'));
    expect(packIsPrivate(dir)).toBe(false);
    for (const [text, secret] of [
      ['name: p\n', false],
      ['name: p\nprivate: false\n', false],
      ['name: p\nprivate: true\n', true],
      ['name: p\nprivate: yes please\n', true],
      ['name: [p\n', true],
    ] as const) {
      writeFileSync(path.join(dir, 'pack.yml'), text);
      expect(packIsPrivate(dir), text).toBe(secret);
    }
  });
});
