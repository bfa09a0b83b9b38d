// Slack's Web API on nock for the tests that walk every request the bot takes (test/acts.test.ts,
// test/private-slack.test.ts): whatever the bot sends is answered ok and recorded (but an expired response_url).
import nock from 'nock';
import { formBody, HOOK, SLACK } from './slack-requests.js';

/** A guest of the workspace, as users.info tells them: multi-channel (`is_restricted`) or single-channel (both). */
export type GuestKind = 'multi' | 'single';

/**
 * users.info as Slack answers it (api.slack.com/methods/users.info), for the rest of the file: `user` required
 * (`user_not_found` for an id not starting U or W), a member of team T1 unless `guests` names them.
 * Register it before any catch-all interceptor of the Web API. `how.delayMs`: each answer that late;
 * `how.calls`: counts the calls; `how.scopes`: the token's scopes (without users:read Slack answers
 * `missing_scope`, as it does for an app installed before the scope was added).
 */
export function fakeUsersInfo(
  guests: Record<string, GuestKind> = {},
  how: { delayMs?: number; calls?: { n: number }; scopes?: string[] } = {},
) {
  nock(SLACK)
    .persist()
    .post('/api/users.info')
    .delay(how.delayMs ?? 0)
    .reply(200, (_u, b) => {
      if (how.calls) how.calls.n++;
      const scopes = how.scopes ?? ['users:read', 'chat:write', 'commands'];
      if (!scopes.includes('users:read'))
        return { ok: false, error: 'missing_scope', needed: 'users:read', provided: scopes.join(',') };
      const user = formBody(b).user;
      if (typeof user !== 'string' || !/^[UW]\w+$/.test(user)) return { ok: false, error: 'user_not_found' };
      const kind = guests[user];
      return {
        ok: true,
        user: {
          id: user,
          team_id: 'T1',
          name: user.toLowerCase(),
          deleted: false,
          is_admin: false,
          is_owner: false,
          is_bot: false,
          is_app_user: false,
          is_restricted: kind !== undefined,
          is_ultra_restricted: kind === 'single',
        },
      };
    });
}

/**
 * Answers the bot as Slack would, for the rest of the file (`nock.cleanAll()` ends it): auth.test as bot UBOT
 * of team T1, users.info as `fakeUsersInfo(guests, how)`, conversations.members as `members(body)` says, file uploads accepted, and any other Web API
 * method (a message gets a new ts in C1) and any response_url post recorded in `said`, as JSON strings.
 */
export function fakeSlackApi(
  said: string[],
  members: (body: Record<string, unknown>) => object,
  guests: Record<string, GuestKind> = {},
  how: Parameters<typeof fakeUsersInfo>[1] = {},
) {
  let n = 0;
  fakeUsersInfo(guests, how);
  nock(SLACK).persist().post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'B1', team_id: 'T1' });
  nock(SLACK)
    .persist()
    .post('/api/conversations.members')
    .reply(200, (_u, b) => members(formBody(b)));
  nock(SLACK)
    .persist()
    .post('/api/files.getUploadURLExternal')
    .reply(200, { ok: true, upload_url: 'https://files.slack.com/upload/v1/x', file_id: 'F1' });
  nock('https://files.slack.com').persist().post(/.*/).reply(200, 'OK');
  nock(SLACK)
    .persist()
    .post('/api/files.completeUploadExternal')
    .reply(200, { ok: true, files: [{ id: 'F1' }] });
  nock(SLACK)
    .persist()
    .post(/\/api\/.*/)
    .reply(200, (uri, b) => {
      said.push(JSON.stringify({ method: uri, ...formBody(b) }));
      return { ok: true, channel: 'C1', ts: `${++n}.000100` };
    });
  // A response_url whose path starts /r/OLD has expired (older than 30 minutes, or used five times): Slack's 404.
  nock(HOOK)
    .persist()
    .post(/.*/)
    .reply((uri, b) =>
      uri.startsWith('/r/OLD') ? [404, 'expired_url'] : (said.push(JSON.stringify({ uri, body: b })), [200, 'ok']),
    );
}
