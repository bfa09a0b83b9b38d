// What a person reads of a failure (src/base/shown.ts): never a URL, a secret, a stack trace, nor (in Slack) a
// server path; one sanitizer behind every face's failure lines: Slack's error answers and progress, the
// terminal's `jcb:` lines, the stored-error-to-line mapping (failureCause) and the queue's stall cause.
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { forPeople, redactCredentials } from '../src/base/shown.js';
import { failureCause } from '../src/evaluation/failure-cause.js';
import { ProviderError } from '../src/models/provider.js';
import { errorText } from '../handlers/blocks/answers.js';
import { stallCause } from '../src/queue/stall-cause.js';
import { doctor } from '../src/services/doctor.js';
import { FIXTURE_ENV, runJcb } from './helpers.js';

const token = (prefix: string) => fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((s) => `${prefix}${s}`);
const words = fc.array(fc.constantFrom('could', 'not', 'connect', 'to', 'the', 'server', 'failed:', 'refused'), {
  minLength: 1,
  maxLength: 5,
});
/** A URL with a user, a password and a key parameter, each a secret no message may show. */
const url = fc
  .record({
    scheme: fc.constantFrom('http', 'https', 'redis', 'postgres', 'file'),
    user: token('Usr'),
    password: token('Pw'),
    host: fc.constantFrom('10.0.0.5', 'models.internal', 'localhost', '[::1]'),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc.constantFrom('', '/v1', '/v1/chat/completions', '/0'),
    param: fc.constantFrom('api_key', 'api-key', 'token', 'access_token', 'key', 'sig'),
    key: token('Key'),
  })
  .map((u) => ({
    ...u,
    text: `${u.scheme}://${u.user}:${u.password}@${u.host}${u.port ? `:${u.port}` : ''}${u.path}?${u.param}=${u.key}`,
  }));
const serverPath = fc.array(token('Dir'), { minLength: 2, maxLength: 4 }).map((parts) => `/${parts.join('/')}.db`);
const frames = fc
  .array(serverPath, { minLength: 0, maxLength: 3 })
  .map((ps) => ps.map((p, i) => `    at fn${i} (${p.replace(/\.db$/, '.js')}:${i + 1}:7)`).join('\n'));

describe('forPeople', () => {
  it('never shows a URL, its credentials, a stack frame, nor (chat) a server path; keeps the words', () => {
    fc.assert(
      fc.property(words, url, serverPath, frames, fc.constantFrom('chat', 'terminal'), (ws, u, p, fr, face) => {
        // The frames on lines of their own, or flattened into the line (a server's body).
        const text = `Error: ${ws.join(' ')} ${u.text} (${p}).${fr ? (p.length % 2 ? `\n${fr}` : ` ${fr.trim()}`) : ''}`;
        const shown = forPeople(text, face as 'chat' | 'terminal');
        expect(shown).not.toContain('://');
        for (const secret of [u.user, u.password, u.key]) expect(shown).not.toContain(secret);
        expect(shown).not.toMatch(/\bat fn\d|\n/);
        expect(shown).not.toMatch(/\.js:\d/);
        expect(shown).not.toContain(']]');
        if (face === 'chat') expect(shown).not.toMatch(/Dir[A-Za-z0-9]+\//);
        else expect(shown).toContain(p); // the operator's own file, in the terminal
        expect(shown.startsWith(`Error: ${ws.join(' ')} [address]`)).toBe(true);
      }),
    );
  });

  it.each([
    ['connection refused to http://10.0.0.5:8000/v1.', 'chat', 'connection refused to [address].'],
    ['must be redis:// or rediss://, then a host', 'terminal', 'must be redis:// or rediss://, then a host'],
    [
      'could not connect to http://u:s3cret@h:8/v1 (connection refused).',
      'terminal',
      'could not connect to [address] (connection refused).',
    ],
    ['-o /tmp/out/x.csv is a folder, give a file', 'terminal', '-o /tmp/out/x.csv is a folder, give a file'],
    ['-o /tmp/out/x.csv is a folder, give a file', 'chat', '-o [path] is a folder, give a file'],
    ['cannot open /srv/jcb/jcb.db.', 'chat', 'cannot open [path].'],
    ['Did you mean `/jcb eval mr gpt-4o`? TP/FP/FN 3/4', 'chat', 'Did you mean `/jcb eval mr gpt-4o`? TP/FP/FN 3/4'],
    ['boom\n    at f (/app/dist/src/x.js:3:9)\n    at g (node:internal/process:1:1)', 'terminal', 'boom'],
    ['Cannot find module /app/node_modules/bull/index.js', 'terminal', 'Cannot find module [path]'],
    ['Traceback (most recent call last):\n  File "/srv/app.py", line 3', 'chat', ''],
    ['ok: Bearer abc.def sk-abcdefghij', 'terminal', 'ok: Bearer [key] sk-[key]'],
    // A server's body flattened to one line (break-urls): the trace inside it goes, the server's files too.
    [
      'server error: upstream http://h/v1?api_key=sk-abcdefgh failed at /opt/vllm/engine.py:42.',
      'terminal',
      'server error: upstream [address] failed at [path].',
    ],
    [
      'bad request see http://h/x?token=abc Traceback (most recent call last): File "/usr/lib/x.py", line 99',
      'terminal',
      'bad request see [address]',
    ],
    [
      'Internal error at http://h/ at Object.<anonymous> (/srv/app/server.js:12:7) at Module._compile (node:internal/x:1:1)',
      'terminal',
      'Internal error at [address]',
    ],
    ['ratio 0.5:1 of 3.5 s', 'chat', 'ratio 0.5:1 of 3.5 s'],
  ])('%j (%s) → %j', (text, face, shown) => {
    expect(forPeople(text, face as 'chat' | 'terminal')).toBe(shown);
  });

  it('redactCredentials masks a URL’s userinfo (a password holding @ too) and key parameters, and keeps the rest', () => {
    expect(redactCredentials('http://user:p@ss@host:8000/v1?api_key=abc&x=1')).toBe(
      'http://***@host:8000/v1?api_key=[key]&x=1',
    );
    expect(redactCredentials('https://host/v1')).toBe('https://host/v1');
  });
});

describe('every face’s failure line goes through it', () => {
  const stored =
    'vllm: could not connect to http://admin:hunter22@10.0.0.5:8000/v1 (connection refused): is the server running? (after 3 attempts)';

  it('failureCause (terminal and Slack lines of stored document errors) names no address', () => {
    expect(failureCause(stored)).toBe('could not connect to the server (connection refused): is the server running?');
  });

  it('Slack: a provider error and a user error show no URL, no credentials, no server path', () => {
    const provider = errorText(new ProviderError(stored, true));
    expect(provider).not.toMatch(/:\/\/|hunter22|10\.0\.0\.5/);
    const user = errorText(
      new UserError('The store at /srv/jcb/jcb.db refused', undefined, { detail: 'in /srv/jcb/jcb.db' }),
    );
    expect(user).not.toContain('/srv/');
  });

  it('terminal: a user error’s operator detail keeps its path but never a URL', () => {
    const err = new UserError('The evaluation queue is unavailable', 'Start Redis.', {
      detail: 'Redis at redis://:pw@10.0.0.9:6379 does not answer: connect ECONNREFUSED',
    });
    expect(userErrorText(err, 'terminal')).toBe(
      'The evaluation queue is unavailable (Redis at [address] does not answer: connect ECONNREFUSED). Start Redis.',
    );
  });

  it('the queue’s stall cause (status in Slack and the terminal) shows a failed job’s reason without its URL', () => {
    const job = { data: { runId: 'r1', task: 'mr', docIds: ['d'] }, attemptsMade: 3, failedReason: stored };
    const cause = stallCause({ jobs: [{ state: 'failed', job: job as never }] }, 'r1', () => true);
    expect(cause).toMatch(/^1 job failed after 3 attempts: vllm: could not connect to \[address\]/);
    expect(cause).not.toContain('hunter22');
  });
});

describe('jcb doctor', () => {
  // It printed REDIS_URL whole but for a password cut at its first `@` (`redis://:p@ss@host` showed `ss@host`):
  // every place and cause it says is shown as the store's is (`host:port/db`), an address in a cause as
  // `[address]`, a secret never.
  it('shows no URL and no secret in any item, text or JSON', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-doctor-'));
    const env = {
      ...FIXTURE_ENV,
      JCB_HOME: scratch,
      JCB_STORE: path.join(scratch, 'jcb.sqlite'),
      REDIS_URL: 'rediss://user:p@ss-SEKRIT@127.0.0.1:1/2',
      DATABASE_URL: 'postgres://user:SEKRIT@127.0.0.1:1/jcb',
    };
    const failing = () => Promise.reject(new Error('could not connect to postgres://user:SEKRIT@127.0.0.1:1/jcb'));
    const items = await doctor(env, failing);
    expect(items.find((i) => i.what === 'Redis')?.where).toBe('127.0.0.1:1/2 over TLS (REDIS_URL)');
    expect(items.find((i) => i.what === 'store')?.detail).toBe('could not connect to [address]');
    for (const i of items) expect(`${i.where} ${i.detail}`, i.what).not.toMatch(/:\/\/|SEKRIT|user:/);
    expect((await doctor({ ...env, REDIS_URL: undefined }, failing)).find((i) => i.what === 'Redis')?.where).toBe(
      '127.0.0.1:6379/0, the default (REDIS_URL unset)',
    );
    for (const args of [['doctor'], ['doctor', '--json']]) {
      const r = await runJcb(args, env);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toContain('127.0.0.1:1/2 over TLS (REDIS_URL)');
      expect(`${r.out}${r.err}`).not.toMatch(/:\/\/|SEKRIT|user:/);
    }
  }, 60_000);
});
