// The store's methods that take a list of ids, given more than a database binds in one query (SQLite 32,766
// values, PostgreSQL 65,535): each reads or deletes what it would for a short list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { documentRow, freshStore, runRow, type TestStore } from './helpers.js';

/** More ids than either database takes in one query; the few stored ones among them, out of order. */
const MANY = Array.from({ length: 70_000 }, (_, i) => `x${i}`);
const ids = (...stored: string[]) => [...MANY.slice(0, 40_000), ...stored, ...MANY.slice(40_000)];

describe.each(['sqlite', 'postgres'] as const)('id lists past the parameter limit on %s', (kind) => {
  let fresh: TestStore;
  let store: Store;
  beforeAll(async () => {
    fresh = await freshStore(kind);
    store = await Store.open(fresh.env);
    await store.createRun({ ...runRow('r1', 'queued'), planned: 3 });
    for (const [id, i] of [
      ['d3', 2],
      ['d1', 0],
      ['d2', 1],
    ] as const)
      await store.saveDocument(documentRow(id, 'failed', i));
  });
  afterAll(async () => {
    await store?.close();
    await fresh?.drop();
  });

  it('reads documents, queued runs and runs since, in order', async () => {
    const docs = await store.documents('r1', 'mr', ['d2', ...ids('d3'), 'd1']);
    expect(docs.map((d) => d.doc_id)).toEqual(['d1', 'd2', 'd3']);
    expect((await store.queuedRuns(ids('r1'))).map((r) => r.id)).toEqual(['r1']);
    expect((await store.runsSince(ids('gpt-4o'), '2025-01-01')).map((r) => r.id)).toEqual(['r1']);
  });

  it('returns a row once however often its id is named, across chunks too (break-store)', async () => {
    const docs = await store.documents('r1', 'mr', ['d2', ...ids('d3'), 'd2', 'd3']);
    expect(docs.map((d) => d.doc_id)).toEqual(['d2', 'd3']);
    expect((await store.queuedRuns(['r1', ...ids('r1')])).map((r) => r.id)).toEqual(['r1']);
  });

  it('forgets failed documents', async () => {
    await store.forgetFailed(
      'r1',
      ids('d1', 'd3').map((docId) => ({ task: 'mr', docId })),
    );
    expect((await store.documents('r1')).map((d) => d.doc_id)).toEqual(['d2']);
  });
});
