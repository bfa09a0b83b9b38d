// Every command of the table that needs a setting to work (its `needs`: the bot, whose every post to Slack goes with
// SLACK_BOT_TOKEN) refuses it missing, empty, blank or of the wrong form in one line before any work: never after a
// round trip to Slack (auth.test said "invalid_auth" for an xapp- token pasted in the wrong variable), never echoed.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, offeredOn } from '../src/command/commands.js';
import { checkNeeded, NEEDED_SETTINGS } from '../src/services/needed-settings.js';
import { FIXTURE_ENV, runJcb } from './helpers.js';
import { freePort } from './own-redis.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-needed-'));

/** Values each needed setting refuses, with what the refusal says of it (the value itself never). */
const REFUSED: Record<string, [string | undefined, RegExp][]> = {
  SLACK_BOT_TOKEN: [
    [undefined, /is not set \(the Bot User OAuth Token, xoxb-…\)\./],
    ['', /is empty \(the Bot User OAuth Token, xoxb-…\)\./],
    ['   ', /is blank/],
    ['xapp-1-A0123-9999-abcdef', /is not the Bot User OAuth Token, xoxb-…: it starts with xapp-, an app-level token/],
    ['xoxp-1234-5678-abcdef', /: it starts with xoxp-, a user token\./],
    ['xoxb-1234-abcdef\n', /: it has blanks around it\./],
    ['Bearer xoxb-1234-abcdef', /: it is not xoxb- then letters, digits and dashes\./],
    ['xoxb-12"34', /: it is not xoxb- then letters, digits and dashes\./],
  ],
  // Optional: checked when given (jcb bot, Socket Mode).
  SLACK_APP_TOKEN: [
    ['xoxb-1234-abcdef', /is not the app-level token, xapp-… \(for Socket Mode\): it starts with xoxb-, a bot token/],
    ['xoxp-1234-5678-abcdef', /: it starts with xoxp-, a user token\./],
    ['1-A0123-9999-abcdef', /: it is not xapp- then letters, digits and dashes\./],
    [' xapp-1-A0123-9999-abcdef', /: it has blanks around it\./],
  ],
};
/** Settings checked only when given, by the commands that read them. */
const OPTIONAL: Record<string, string> = { SLACK_APP_TOKEN: 'bot' };

const NEEDING = COMMANDS.filter((c) => c.needs?.length && offeredOn(c.faces, 'terminal'));

describe('settings a command needs', () => {
  it('every needed setting of the table is known, with refused values here', () => {
    expect(NEEDING.map((c) => c.name)).toContain('bot');
    for (const c of NEEDING) for (const name of c.needs!) expect(Object.keys(NEEDED_SETTINGS)).toContain(name);
    expect(Object.keys(REFUSED).sort()).toEqual(Object.keys(NEEDED_SETTINGS).sort());
  });

  it('a token of the right form is taken', () => {
    expect(() => checkNeeded({ SLACK_BOT_TOKEN: 'xoxb-1234-5678-AbCdEf' }, ['SLACK_BOT_TOKEN'])).not.toThrow();
  });

  it.each(
    [
      ...NEEDING.flatMap((c) => c.needs!.map((name) => [c.name, name] as const)),
      ...Object.entries(OPTIONAL).map(([name, command]) => [command, name] as const),
    ].flatMap(([command, name]) => REFUSED[name].map(([v, says]) => [command, name, v, says] as const)),
  )('`jcb %s` with %s=%j: one line before any work, the value never echoed', async (command, name, value, says) => {
    const port = await freePort(); // nothing listens: a request to Slack would fail with "Could not reach Slack"
    const r = await runJcb(command.split(' '), {
      ...FIXTURE_ENV,
      JCB_STORE: path.join(scratch, 'jcb.sqlite'),
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_APP_TOKEN: undefined,
      SLACK_BOT_TOKEN: 'xoxb-1234-5678-AbCdEf',
      SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      PORT: '0',
      [name]: value,
    });
    expect(r.code, r.err).toBe(1);
    const [line, ...rest] = r.err.trimEnd().split('\n');
    expect(line).toMatch(new RegExp(`^jcb: ${name} `));
    expect(line).toMatch(says);
    expect(rest.join('\n'), 'at most the hint after it').toMatch(/^(\s*Create the app from manifest\.yml.*)?$/);
    expect(r.err).not.toMatch(/reach Slack|Slack refused|listening/);
    if (value?.trim()) expect(r.err).not.toContain(value.trim().slice(5));
  });
});
