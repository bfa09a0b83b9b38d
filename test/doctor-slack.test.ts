// `jcb doctor` with SLACK_BOT_TOKEN set asks Slack's auth.test and lists, one line each, the bot scopes of
// manifest.yml the token lacks, or Slack's refusal of the token. nock answers as the Web API does: a POST whose
// token is in the Authorization header (else not_authed), HTTP 200 with `ok: false, error` for a refusal, and the
// granted scopes in the `x-oauth-scopes` header on success. The scopes tried are manifest.yml's, read here too.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { manifestScopes, slackDoctor } from '../handlers/doctor.js';
import { FIXTURE_ENV, runJcb } from './helpers.js';
import { SLACK } from './slack-requests.js';

const TOKEN = 'xoxb-1-2-SEKRIT';
const env = { SLACK_BOT_TOKEN: TOKEN };
/** The manifest's bot scopes as the file says them (what Slack's app settings install). */
const MANIFEST = (parse(readFileSync('manifest.yml', 'utf8')) as { oauth_config: { scopes: { bot: string[] } } })
  .oauth_config.scopes.bot;

/** Slack's auth.test for TOKEN: refused with `error`, or granting `scopes` (x-oauth-scopes, comma-separated). */
function authTest(answer: { error: string } | { scopes: readonly string[] }) {
  nock(SLACK)
    .post('/api/auth.test')
    .reply(function () {
      if (this.req.headers.authorization !== `Bearer ${TOKEN}`) return [200, { ok: false, error: 'not_authed' }];
      if ('error' in answer) return [200, { ok: false, error: answer.error }];
      const me = { ok: true, url: 'https://ward.slack.com/', team: 'Ward', user: 'jcb', team_id: 'T1', user_id: 'U1' };
      return [200, me, { 'x-oauth-scopes': answer.scopes.join(',') }];
    });
}

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]); // auth.test was asked
  nock.cleanAll();
});

describe("jcb doctor's Slack lines", () => {
  it('reads the scopes from manifest.yml, users:read (the guest check) among them', () => {
    expect(manifestScopes().map((s) => s.scope)).toEqual(MANIFEST);
    expect(MANIFEST).toEqual(expect.arrayContaining(['users:read', 'chat:write', 'commands']));
  });

  it('every scope granted: one line, ok', async () => {
    authTest({ scopes: MANIFEST });
    const items = await slackDoctor(env);
    expect(items).toEqual([
      {
        what: 'Slack',
        where: 'SLACK_BOT_TOKEN',
        ok: true,
        detail: 'bot jcb of Ward; every scope of manifest.yml granted',
      },
    ]);
  });

  it.each(MANIFEST.map((s) => [s]))('%s not granted: one line naming it and what it is for', async (scope) => {
    authTest({ scopes: MANIFEST.filter((s) => s !== scope) });
    const items = await slackDoctor(env);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ what: 'Slack', where: `scope ${scope}`, ok: false });
    expect(items[0].detail).toMatch(/^not granted to bot jcb of Ward.*; add it as manifest\.yml has it and reinstall/);
    if (scope === 'users:read') expect(items[0].detail).toContain('guest');
  });

  it('several missing: one line each, in the order of the manifest', async () => {
    authTest({ scopes: ['commands', 'chat:write'] });
    const items = await slackDoctor(env);
    expect(items.map((i) => i.where)).toEqual(
      MANIFEST.filter((s) => !['commands', 'chat:write'].includes(s)).map((s) => `scope ${s}`),
    );
    expect(items.every((i) => !i.ok)).toBe(true);
  });

  it.each([['invalid_auth'], ['token_revoked'], ['account_inactive']])(
    '%s: one line saying the refusal and what to do, never the token',
    async (error) => {
      authTest({ error });
      const items = await slackDoctor(env);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ what: 'Slack', where: 'SLACK_BOT_TOKEN', ok: false });
      expect(items[0].detail).toMatch(new RegExp(`^Slack refused it \\(${error}\\): \\S.*`));
      expect(JSON.stringify(items)).not.toContain('SEKRIT');
    },
  );

  it('no token set: no Slack line, nothing asked', async () => {
    expect(await slackDoctor({})).toEqual([]);
    expect(await slackDoctor({ SLACK_BOT_TOKEN: ' ' })).toEqual([]);
  });

  it('jcb doctor prints them: a Web API on this machine (SLACK_API_URL) refusing the token', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/api/auth.test' ? { ok: false, error: 'token_revoked' } : { ok: false }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-doctor-slack-'));
      const { port } = server.address() as AddressInfo;
      const r = await runJcb(['doctor'], {
        ...FIXTURE_ENV,
        JCB_HOME: home,
        JCB_STORE: path.join(home, 'jcb.sqlite'),
        REDIS_URL: 'redis://127.0.0.1:1/0',
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
      });
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(/^NO {2}Slack: SLACK_BOT_TOKEN\n {4}Slack refused it \(token_revoked\): /m);
      expect(r.out).not.toContain('SEKRIT');
    } finally {
      server.close();
    }
  }, 60_000);
});
