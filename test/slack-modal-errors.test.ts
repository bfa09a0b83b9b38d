// Finding 5 of breaker-slack: a modal's refusal (`response_action: 'errors'`) must name a block that modal has, or
// Slack refuses the answer. Each modal of the bot is opened as a person opens it (its builder's view, as sent to
// views.open), then submitted with what the bot refuses (lost metadata, empty or foreign state); every error
// key is an input block of the view it answers. The per-user limit's refusal (handlers/doors.ts) shares modalErrors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../handlers/context.js';
import { listenerRegistry } from '../handlers/index.js';
import { modalErrors } from '../handlers/views/inputs.js';
import { outputHash } from '../src/ratings/ratings.js';
import { fakeSlackApi } from './fake-slack.js';
import { slackBot } from './slack-bot-fixture.js';
import { slackRequests } from './slack-requests.js';

interface View {
  callback_id: string;
  blocks: { type: string; block_id?: string }[];
}

describe("a modal's refusals name its own blocks", () => {
  const said: string[] = [];
  const views = new Map<string, View>();
  const fx = slackBot({
    fakes: () => fakeSlackApi(said, () => ({ ok: true, members: [] })),
    env: { TEST_OPENAI_KEY: 'sk-test', JCB_ADMINS: 'UADMIN', JCB_BOT_RATE_PER_MINUTE: '100000' },
  });
  beforeAll(fx.start, 60_000);
  afterAll(fx.stop);

  const { shortcut, button, submit } = slackRequests(() => fx.url);
  const rated = `rate:${JSON.stringify({ t: 'irs', m: 'gpt-4o', d: '2', h: outputHash('内服薬の忘れ') })}`;

  /** Opens every modal as a person does and keeps the view sent to views.open, by callback id. */
  const openAll = async () => {
    await shortcut('run_task_on_message', (tag) => ({ ts: tag, text: 'ワルファリン内服中' }))('UADMIN', '7001.1');
    await button({ type: 'button', action_id: 'rate_comment', block_id: rated })('UADMIN', '7002.1');
    for (let i = 0; i < 200 && said.filter((s) => s.includes('views.open')).length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    for (const s of said.filter((x) => x.includes('views.open'))) {
      const view = (JSON.parse(s) as { view: View }).view;
      views.set(view.callback_id, view);
    }
  };

  const inputs = (id: string) =>
    views
      .get(id)!
      .blocks.filter((b) => b.type === 'input')
      .map((b) => b.block_id);

  it('opens every modal the bot answers', async () => {
    await openAll();
    const modals = listenerRegistry({} as BotContext)
      .filter((l) => l.kind === 'view')
      .map((l) => l.id);
    expect([...views.keys()].sort()).toEqual(modals.sort());
  });

  it.each([
    [
      "lost metadata, another modal's state",
      '{bad json',
      { comment: { value: { type: 'plain_text_input', value: 'x' } } },
    ],
    ['lost metadata, no state', '{bad json', {}],
    ['a state of blocks it does not have', undefined, { nope: { value: { type: 'plain_text_input', value: 'x' } } }],
    ['an empty state', undefined, {}],
  ] as const)('%s: errors name only the blocks of the modal answered', async (_name, metadata, values) => {
    for (const id of views.keys()) {
      const good = id === 'run_task_modal' ? JSON.stringify({ channel: 'C1', ts: '1.1', text: 'x' }) : rated;
      const ack = await submit(id, () => metadata ?? good, values)('UADMIN', `${7100 + Math.random()}`);
      expect(ack.status).toBe(200);
      const body = JSON.parse(ack.text) as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe('errors');
      expect(Object.keys(body.errors).length).toBeGreaterThan(0);
      for (const key of Object.keys(body.errors)) expect(inputs(id)).toContain(key);
    }
  });

  it("the per-user limit's refusal names a block of each modal too", () => {
    for (const id of views.keys())
      for (const key of Object.keys(modalErrors(id, 'slow down')!.errors)) expect(inputs(id)).toContain(key);
  });
});
