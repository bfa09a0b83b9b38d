// The bot's own posts of a private task's scores are audited (README "Privacy": who saw which private task's data,
// where): a scheduled digest and a run's final scores each leave one private_access row, user `jcb`, view
// `scores`, in the channel posted to; a post Slack refused (429) leaves none until it is posted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackProgress } from '../handlers/progress.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer } from './helpers.js';
import { waitFor } from './own-redis.js';
import { PRIVATE_TASKS, privateModels } from './private-fixture.js';

const TASK = 'ward-meds';

describe("the bot's own posts of a private task's scores", () => {
  let services: ReturnType<typeof createServices>;
  beforeAll(async () => {
    const store = await freshStore('sqlite');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-bot-audit-'));
    const schedules = path.join(dir, 'schedules.yml');
    writeFileSync(
      schedules,
      `schedules:\n  nightly:\n    cron: "0 2 * * *"\n    models: [baseline]\n    tasks: [${TASK}]\n    shot: zero\n    channel: C9\n`,
    );
    const env = {
      ...process.env,
      ...FIXTURE_ENV,
      ...store.env,
      JCB_TASKS: PRIVATE_TASKS,
      JCB_MODELS: privateModels('http://127.0.0.1:9/v1'),
      JCB_SCHEDULES: schedules,
    };
    services = createServices({ env, tokenizer: inThreadTokenizer() });
  });
  afterAll(() => services.close());

  /** The audit rows of the bot's own posts (user `jcb`). */
  const botRows = async () => (await services.privateAccess(10_000)).filter((r) => r.user === 'jcb');

  /** A Slack whose postMessage refuses the first `refuse` posts (429, Retry-After 0.1 s); `posts` what it took. */
  function slack(refuse: number) {
    const posts: { channel: string; thread_ts?: string }[] = [];
    let refused = 0;
    const client = {
      chat: {
        update: async () => ({ ok: true }),
        postMessage: async (m: { channel: string; thread_ts?: string }) => {
          if (refused++ < refuse)
            throw Object.assign(new Error('rate limited'), { code: ErrorCode.RateLimitedError, retryAfter: 0.1 });
          posts.push(m);
          return { ok: true, ts: '1.0001' };
        },
      },
    };
    return { client, posts };
  }

  /** The bot's tracker over `client` (every 20 ms; edits `minGapMs` apart) until `done`, then stopped, its pass ended. */
  async function trackedUntil(client: unknown, done: () => Promise<boolean>, minGapMs?: number) {
    const stop = trackProgress(
      services,
      client as never,
      (err) => {
        throw err;
      },
      20,
      minGapMs,
    );
    try {
      await waitFor(done);
    } finally {
      await stop(); // its pass under way ends before the services close
    }
  }

  it('a scheduled digest: one row once posted, none for the 429 before it', async () => {
    const { run } = await services.evaluate({ task: TASK, model: 'baseline', shot: 'zero' });
    await services.watch(run.id, 'digest:nightly', run.id);
    const before = (await botRows()).length;
    const { client, posts } = slack(1);
    await trackedUntil(client, async () => posts.length === 1 && (await services.watched('digest-due:')).length === 0);
    const rows = (await botRows()).slice(0, (await botRows()).length - before);
    expect(rows).toEqual([
      expect.objectContaining({ user: 'jcb', act: 'digest nightly', task: TASK, place: 'slack:C9', view: 'scores' }),
    ]);
  });

  it("a run's final scores: one row, in the channel of its progress message", async () => {
    const { run } = await services.evaluate({ task: TASK, model: 'baseline', shot: 'zero' });
    await services.watch(run.id, 'slack:C1', '1.0000');
    const before = (await botRows()).length;
    const { client, posts } = slack(0);
    await trackedUntil(
      client,
      async () => posts.some((p) => p.thread_ts === '1.0000') && (await services.watched('slack:')).length === 0,
      0,
    );
    const rows = (await botRows()).slice(0, (await botRows()).length - before);
    expect(rows).toEqual([
      expect.objectContaining({ user: 'jcb', act: 'final scores', task: TASK, place: 'slack:C1', view: 'scores' }),
    ]);
  });
});
