// Stored failure text with an operator's fix (marked where written: src/base/shown.ts operatorFix) reaches people
// only as their face renders it: every output of a stored run — `status`, `show`, `runs` as text and as --json,
// a JSON file of -o, --log-samples' lines, Slack's progress and final messages — never shows the raw marker; the
// terminal writes the fix out, Slack says to ask the bot's operator.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalScoresMessage, progressMessage } from '../handlers/blocks/progress.js';
import { ASK_OPERATOR, forPeople } from '../src/base/shown.js';
import { writeOutput } from '../src/cli/output.js';
import { runJson } from '../src/cli/render-more.js';
import { sampleLines } from '../src/evaluation/samples.js';
import { type ServerContext } from '../src/models/server-reply.js';
import { createServices } from '../src/services/index.js';
import { Store } from '../src/store/store.js';
import { FIXTURE_ENV, documentRow, inThreadTokenizer, runRow } from './helpers.js';
import { jcbBatch } from './jcb-batch.js';
import { failureMessages, type ServerReply } from './provider-failures.js';

/** Failures the provider boundary writes with an operator's fix (host, port, TLS, 404 with its base URL, timeout). */
async function markedFailures(): Promise<string[]> {
  const ctx: ServerContext = { baseUrl: 'http://10.0.0.5:8000', secrets: [], timeoutMs: 120_000 };
  const replies: ServerReply[] = [
    ...['ENOTFOUND', 'ERR_SSL_WRONG_VERSION_NUMBER'].map(
      (code) => () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code } })),
    ),
    () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') })),
    () => Promise.resolve(new Response('{"detail":"Not Found"}', { status: 404 })),
  ];
  return failureMessages(ctx, replies);
}

const MARKER = '{{fix:';
/** The fix as a terminal writes it: the text inside the marker, as the terminal shows failures (no address). */
const fixOf = (stored: string) => forPeople(/\{\{fix:([^}]*)\}\}/.exec(stored)![1], 'terminal');

describe("stored failures' operator's fixes, in every face", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-stored-failures-'));
  const env = { ...FIXTURE_ENV, JCB_STORE: path.join(dir, 'jcb.sqlite'), COLUMNS: '250' };
  const batch = jcbBatch({ env });
  let stored: string[];
  afterAll(() => batch.close());

  beforeAll(async () => {
    const failures = await markedFailures();
    expect(failures.length).toBe(5);
    for (const f of failures) expect(f).toContain(MARKER);
    // As the engine stores them: the model's alias, the boundary's line, the attempts.
    stored = failures.map((f) => `vllm-local: ${f} (after 1 attempt)`);
    const store = await Store.open({ ...process.env, ...env });
    await store.createRun({ ...runRow('r1', 'finished'), engine: '{"name":"jcb"}', planned: stored.length });
    for (const [i, error] of stored.entries())
      await store.saveDocument({ ...documentRow(`D${i}`, 'failed', i), output: null, scores: null, error });
    await store.close();
  });

  it('the terminal writes the fix out, as text and as JSON (--json, --log-samples)', async () => {
    const outputs: Record<string, string> = {};
    for (const args of [['status', 'r1'], ['show', 'r1'], ['runs']]) {
      for (const json of [false, true]) {
        const line = json ? [...args, '--json'] : args;
        const r = await batch.run(line);
        expect(r.code, r.err).toBe(0);
        outputs[line.join(' ')] = r.out + r.err;
      }
    }
    const store = await Store.open({ ...process.env, ...env });
    outputs['--log-samples'] = sampleLines(await store.documents('r1'));
    await store.close();
    for (const [face, out] of Object.entries(outputs)) expect(out, face).not.toContain(MARKER);
    // Where the failures are shown in full, every fix is written out.
    for (const face of ['show r1', 'show r1 --json', '--log-samples'])
      for (const s of stored) expect(outputs[face], face).toContain(fixOf(s));
    expect(outputs['status r1 --json']).toContain(fixOf(stored[0]));
  });

  it('-o x.json writes the fix out', async () => {
    const services = createServices({ env: { ...process.env, ...env }, tokenizer: inThreadTokenizer() });
    try {
      const file = path.join(dir, 'show.json');
      writeOutput(file, { json: runJson(await services.show('r1')), header: [], rows: [], context: {} });
      const written = readFileSync(file, 'utf8');
      expect(written).not.toContain(MARKER);
      for (const s of stored) expect(written).toContain(fixOf(s));
    } finally {
      await services.close();
    }
  });

  it("Slack's progress and final messages say to ask the bot's operator", async () => {
    const services = createServices({ env: { ...process.env, ...env }, tokenizer: inThreadTokenizer() });
    try {
      const [p] = await services.status('r1');
      expect(p.firstFailure).toContain(MARKER);
      for (const first of stored) {
        for (const message of [progressMessage, finalScoresMessage]) {
          const shown = JSON.stringify(message({ ...p, firstFailure: first, cause: first }));
          expect(shown).not.toContain(MARKER);
          expect(shown).not.toContain(fixOf(first));
        }
      }
      expect(
        JSON.stringify(progressMessage({ ...p, run: { ...p.run, status: 'running' }, cause: stored[0] })),
      ).toContain(ASK_OPERATOR.replace(/^; /, ''));
    } finally {
      await services.close();
    }
  });
});
