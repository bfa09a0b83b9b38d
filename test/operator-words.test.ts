// Operator's words never reach a Slack user: every provider failure jcb writes (src/models/server-reply.ts, one
// per socket error code, HTTP status and base URL shape), every row stored before such fixes were marked
// (failure-cause.ts LEGACY_FIXES), and Redis's eviction cause, rendered for Slack name no setting, file, variable or
// host; the terminal keeps the operator's fix.
import { describe, expect, it } from 'vitest';
import { ASK_OPERATOR, forPeople } from '../src/base/shown.js';
import { failureCause } from '../src/evaluation/failure-cause.js';
import { STATUS_MEANING, type ServerContext } from '../src/models/server-reply.js';
import { evictionProblem } from '../src/queue/redis-health.js';
import { homeView } from '../handlers/blocks/home.js';
import { failureMessages, type ServerReply } from './provider-failures.js';

/** What no Slack text may hold: an env variable, a config file, a models.yml key, a path or an address. */
const OPERATOR_WORDS = /JCB_|\.yml|baseUrl|base URL|timeoutMs|maxmemory-policy noeviction|\/v1|https?:\/\/|\s\/\w+\//;

const SETTING = 'the baseUrl of model m-live in the model registry';
const BASES = ['http://10.0.0.5:8000/v1', 'http://10.0.0.5:8000', 'http://10.0.0.5:8000/v1/chat/completions'];
const CODES = [
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
];

/** Every failure the boundary writes, from the tables of codes and statuses, as stored (`jcb` keeps it marked). */
async function failures(): Promise<string[]> {
  const out: string[] = [];
  for (const baseUrl of BASES) {
    const ctx: ServerContext = { baseUrl, baseUrlSetting: SETTING, secrets: [], timeoutMs: 120_000 };
    const replies: ServerReply[] = [
      ...CODES.map((code) => () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code } }))),
      () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') })),
      ...[...Object.keys(STATUS_MEANING).map(Number), 429, 502].map(
        (status) => () => Promise.resolve(new Response('{"detail":"Not Found"}', { status })),
      ),
      () =>
        Promise.resolve(
          new Response('<html><title>Sign in</title></html>', { headers: { 'content-type': 'text/html' } }),
        ),
    ];
    out.push(...(await failureMessages(ctx, replies)));
  }
  return out;
}

describe("operator's words stay in the terminal", () => {
  it('every provider failure, as Slack says it, names no setting, file or address; the terminal keeps the fix', async () => {
    const all = await failures();
    expect(all.length).toBeGreaterThan(40);
    const fixes = all.filter((f) => OPERATOR_WORDS.test(forPeople(f.replace(/\{\{fix:|\}\}/g, ''), 'terminal')));
    expect(fixes.length).toBeGreaterThan(5); // the table does reach the operator's fixes
    for (const f of all) {
      const stored = `m-live: ${f} (after 1 attempt)`;
      const slack = failureCause(stored, 'chat');
      expect(slack, f).not.toMatch(OPERATOR_WORDS);
      expect(slack).not.toContain('{{');
      const terminal = failureCause(stored, 'terminal');
      expect(terminal).not.toContain('{{');
      if (fixes.includes(f)) {
        expect(slack).toContain(ASK_OPERATOR);
        expect(terminal).toMatch(OPERATOR_WORDS);
      }
    }
  });

  it('no failure puts an address before its user: the terminal names the setting that holds it', async () => {
    const all = await failures();
    for (const f of all) {
      const terminal = failureCause(`m-live: ${f} (after 1 attempt)`, 'terminal');
      expect(terminal, f).not.toMatch(/\[address\]|https?:\/\/|10\.0\.0\.5/);
    }
    const named = all.filter((f) => /^(404 from|could not connect to the server \(connection refused)/.test(f));
    expect(named.length).toBe(2 * BASES.length);
    for (const f of named) expect(forPeople(f, 'terminal')).toContain(`(${SETTING}`);
    expect(forPeople(named[0], 'chat')).toContain(ASK_OPERATOR);
  });

  it('rows stored before the fixes were marked are read the same way', async () => {
    const legacy = (await failures()).map((f) => `m-live: ${f.replace(/\{\{fix:|\}\}/g, '')} (after 2 attempts)`);
    for (const row of legacy) expect(failureCause(row, 'chat'), row).not.toMatch(OPERATOR_WORDS);
  });

  it("Redis's eviction cause, as Slack shows a stalled run's", () => {
    const marked = evictionProblem({ policy: 'allkeys-lru', evictedKeys: 3 } as never, (s) => `{{fix:${s}}}`)!;
    expect(forPeople(marked, 'chat')).not.toMatch(OPERATOR_WORDS);
    expect(forPeople(marked, 'terminal')).toContain('Set maxmemory-policy noeviction');
  });

  it('the App Home without a release: whom to ask, not the variable', () => {
    const text = JSON.stringify(homeView({ recent: [] }).blocks);
    expect(text).toContain(`The release is not available to this bot${ASK_OPERATOR}.`);
    expect(text).not.toMatch(OPERATOR_WORDS);
  });
});
