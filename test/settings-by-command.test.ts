// A setting is checked by the commands that read it (the command table's `uses`): a bad REDIS_URL or queue setting
// refused `jcb tasks`, `jcb score` and `jcb run`, which never speak to Redis (breaker K4). And `jcb doctor` lists
// every bad setting, one line each, where it stopped at the first (K3).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSettings } from '../src/cli/execute.js';
import { COMMANDS, offeredOn, servicesOf } from '../src/command/commands.js';
import { parseCommand, splitWords } from '../src/command/grammar.js';
import { examplesOn } from '../src/command/help.js';
import { ENV_SETTINGS } from '../src/services/env.js';
import { FIXTURE_ENV, runJcb } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-settings-by-command-'));

const env = (more: Record<string, string>) => ({
  ...FIXTURE_ENV,
  JCB_STORE: path.join(scratch, 'jcb.sqlite'),
  JCB_HOME: scratch,
  ...more,
});

/** A bad value of each setting only commands speaking to Redis read (ENV_SETTINGS' `service`). */
const BAD_REDIS: Record<string, string> = {
  REDIS_URL: 'ftp://127.0.0.1:6379',
  JCB_QUEUE_PREFIX: 'a b',
  ...Object.fromEntries(
    ENV_SETTINGS.filter((s) => s.service === 'Redis' && s.name.endsWith('_MS')).map((s) => [s.name, '-1']),
  ),
  JCB_QUEUE_CHUNK: 'lots',
};

/** Every terminal example of the command table, parsed as the program parses it. */
const EXAMPLES = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).flatMap((spec) =>
  examplesOn(spec, 'terminal').map((line) => ({ spec, line, cmd: parseCommand(splitWords(line)) })),
);

describe('a Redis setting is checked by the commands that speak to Redis only', () => {
  it('every Redis setting of the table has a bad value here', () => {
    expect(Object.keys(BAD_REDIS).sort()).toEqual(
      ENV_SETTINGS.filter((s) => s.service === 'Redis')
        .map((s) => s.name)
        .sort(),
    );
  });

  it('the commands that use Redis are the queue’s: eval --queue, status, cancel, worker, bot', () => {
    const using = EXAMPLES.filter((e) => servicesOf(e.spec, () => true).includes('Redis')).map((e) => e.spec.name);
    expect([...new Set(using)].sort()).toEqual(['bot', 'cancel', 'eval', 'status', 'worker']);
  });

  it.each(EXAMPLES.flatMap((e) => Object.entries(BAD_REDIS).map(([name, value]) => [e.line, name, value, e] as const)))(
    '`jcb %s` with a bad %s: refused in one line only where it speaks to Redis',
    (line, name, value, { cmd }) => {
      const speaks = line.startsWith('bot') || line.startsWith('worker') || ('queue' in cmd && cmd.queue);
      const speaksToo = ['status', 'cancel'].includes(cmd.kind);
      const check = () => checkSettings(cmd, { [name]: value });
      if (speaks || speaksToo) expect(check).toThrow(new RegExp(`^${name} must be [^\\n]*\\.$`));
      else expect(check).not.toThrow();
    },
  );

  it('the program: `jcb tasks` works with a bad REDIS_URL; `jcb status` refuses it in one line', async () => {
    const tasks = await runJcb(['tasks'], env({ REDIS_URL: BAD_REDIS.REDIS_URL }));
    expect(tasks.err).toBe('');
    expect(tasks.code).toBe(0);
    const status = await runJcb(['status'], env({ REDIS_URL: BAD_REDIS.REDIS_URL }));
    expect(status.code).not.toBe(0);
    expect(status.err.trim()).toMatch(/^jcb: REDIS_URL must be a Redis URL[^\n]*\(its scheme is ftp:\)\.$/);
  });
});

describe('jcb doctor and several bad settings', () => {
  it('lists each on a line of its own and exits 1', async () => {
    const r = await runJcb(
      ['doctor', '--json'],
      env({ REDIS_URL: BAD_REDIS.REDIS_URL, JCB_QUEUE_CHUNK: 'lots', JCB_THREADS: '99' }),
    );
    expect(r.code, r.err).toBe(1);
    const items = JSON.parse(r.out) as { what: string; where: string; ok: boolean; detail: string }[];
    const bad = items.filter((i) => i.what === 'setting');
    expect(bad.map((i) => i.where)).toEqual(['REDIS_URL', 'JCB_QUEUE_CHUNK', 'JCB_THREADS']);
    for (const i of bad) {
      expect(i.ok).toBe(false);
      expect(i.detail).toMatch(new RegExp(`^${i.where} must be [^\\n]*\\.$`));
    }
    // The rest is still checked.
    expect(items.find((i) => i.what === 'store')).toMatchObject({ ok: true });
  });
});
