// PostgreSQL enforces a varchar's length where SQLite does not (src/store/steps/037-text-columns.ts): values jcb
// writes longer than a column's were refused on PostgreSQL alone. A watch's claim of a post (handlers/progress.ts:
// `<until>:<nonce>:<marker>`, ~100 characters; the final scores were never posted, breaker-pg 1) and a task file's
// id (40 characters, its grammar's longest) are stored and read back whole on both; and no bounded text column is
// left on PostgreSQL, so a later step cannot bring one back unnoticed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalMarker, postingMarker } from '../handlers/progress.js';
import { Store } from '../src/store/store.js';
import { documentRow, freshStore, runRow, type TestStore } from './helpers.js';

/** The longest task id a task file may have (src/tasks/task-file/schema.ts: 40 characters). */
const LONGEST_TASK = `t${'-x'.repeat(19)}9`;

describe.each(['sqlite', 'postgres'] as const)('long values on %s', (kind) => {
  let fresh: TestStore;
  let store: Store;
  beforeAll(async () => {
    fresh = await freshStore(kind);
    store = await Store.open(fresh.env);
    await store.createRun({ ...runRow('r1', 'running'), planned: 3 });
  });
  afterAll(async () => {
    await store?.close();
    await fresh?.drop();
  });

  it.each([
    ['final scores', () => finalMarker('1796432477.828529'), 'slack:C0123ABCDEF'],
    ['a digest', () => postingMarker(), 'digest-due:nightly-baseline'],
  ])('holds the claim of a post of %s, read back whole', async (_what, mark, target) => {
    await store.notify('r1', target, '1796432477.828529');
    const marker = mark();
    const claimed = await store.moveNotification('r1', { target }, target, Date.now() + 60_000, marker);
    expect(claimed).toMatch(new RegExp(`:${marker}$`));
    const [row] = (await store.openNotifications(target.split(':')[0] + ':')).filter((w) => w.run_id === 'r1');
    expect(row.message_id).toBe(claimed);
  });

  it("holds a document of a task file's longest id", async () => {
    expect(LONGEST_TASK).toHaveLength(40);
    await store.saveDocument({ ...documentRow('d1'), task: LONGEST_TASK });
    expect((await store.documents('r1', LONGEST_TASK, ['d1'])).map((d) => d.task)).toEqual([LONGEST_TASK]);
  });

  it.runIf(kind === 'postgres')('leaves no bounded text column on PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: fresh.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT table_name || '.' || column_name AS col FROM information_schema.columns
         WHERE table_schema = current_schema() AND data_type = 'character varying' AND table_name NOT LIKE 'kysely_%'`,
      );
      expect(rows.map((r: { col: string }) => r.col)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
