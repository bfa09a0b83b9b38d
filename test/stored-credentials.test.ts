// A run stored before the registry refused credentials in a base URL (`http://user:secret@host/v1`, or a key
// in its query) keeps them in runs.engine. Every reader that shows or exports a stored run masks them at read
// time: show, runs, status (and their --json), the worker's and status's description of the engine, export,
// and what `eval` (resumed) gives to --json, -o and --log-samples.
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRunSummary, renderStatus } from '../src/cli/render.js';
import { runJson } from '../src/cli/render-more.js';
import { evalTable } from '../src/cli/output-tables.js';
import { describeEngine } from '../src/queue/assumptions.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer } from './helpers.js';

const BASE = 'http://admin:hunter22@10.0.0.5:8000/v1?api_key=KEYSECRET42&x=1';
const SECRETS = /hunter22|KEYSECRET42/;

/** Every file under `dir`, as text. */
const filesOf = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));

describe('a stored base URL with credentials', () => {
  let services: ReturnType<typeof createServices>;
  let runId = '';

  beforeAll(async () => {
    const store = await freshStore('sqlite');
    services = createServices({ env: { ...process.env, ...FIXTURE_ENV, ...store.env }, tokenizer: inThreadTokenizer() });
    runId = (await services.evaluate({ task: 'mr', model: 'baseline', shot: 'zero', limit: 2 })).run.id;
    // As a run of an openai-compatible model stored before credentials were refused.
    const db = new Database(store.env.JCB_STORE);
    db.prepare('UPDATE runs SET engine = ? WHERE id = ?').run(
      JSON.stringify({ provider: 'openai-compatible', model: 'm', baseUrl: BASE, node: 'v20' }),
      runId,
    );
    db.close();
  });
  afterAll(() => services.close());

  it('is stored as it was (the fix is at read time)', async () => {
    expect((await services.runDocuments(runId)).length).toBe(2);
  });

  it('show, runs and status mask it, as text and as --json; the host stays', async () => {
    const shown = await services.show(runId);
    const listed = (await services.runs()).find((r) => r.run.id === runId)!;
    const [status] = await services.status(runId);
    for (const out of [
      renderRunSummary(shown),
      JSON.stringify(runJson(shown)),
      JSON.stringify(runJson(listed)),
      renderStatus([status]),
      JSON.stringify(runJson(status)),
    ]) {
      expect(out).not.toMatch(SECRETS);
    }
    expect(JSON.stringify(runJson(status))).toContain('http://***@10.0.0.5:8000/v1?api_key=[key]&x=1');
  });

  it('the engine described to a worker or status masks it', () => {
    expect(describeEngine({ model: 'm', baseUrl: BASE })).toBe('m at http://***@10.0.0.5:8000/v1?api_key=[key]&x=1');
  });

  it('eval resumed writes none of it to --json, -o (json, csv, md) nor --log-samples; the host stays', async () => {
    const result = await services.evaluate({ task: 'mr', model: 'baseline', shot: 'zero', limit: 2, runId });
    const table = evalTable(result, 'zero');
    for (const out of [JSON.stringify(result), JSON.stringify(table), await services.runSamples(runId)])
      expect(out).not.toMatch(SECRETS);
    expect(JSON.stringify(table.json)).toContain('http://***@10.0.0.5:8000/v1?api_key=[key]&x=1');
  });

  it('export writes none of it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-export-'));
    await services.exportRun(runId, dir);
    const files = filesOf(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const text of files) expect(text).not.toMatch(SECRETS);
  });
});
