// Every button and menu of the bot (the action listeners of handlers/index.ts), pressed with values it did not
// issue: forged, stale or out of range (breaker-slack findings 2 and 11). Each press is answered with one line,
// only to the person, and starts no work: no post, no modal, no model called, no run queued. A new action
// without forged values here fails the test.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUTTON_VALUE_MAX, offerValue } from '../handlers/actions/confirm-cost.js';
import type { BotContext } from '../handlers/context.js';
import { listenerRegistry } from '../handlers/index.js';
import { outputHash } from '../src/ratings/ratings.js';
import { COMMANDS_BY_NAME, offeredOn } from '../src/command/commands.js';
import type { OptionSpec } from '../src/command/command-spec.js';
import { parseCommand, splitWords } from '../src/command/grammar.js';
import type { EvalCommand } from '../src/services/index.js';
import { fakeSlackApi } from './fake-slack.js';
import { modelsFile } from './fake-provider.js';
import { releaseDir } from './helpers.js';
import { ownRedis } from './own-redis.js';
import { queuePrefix, slackBot } from './slack-bot-fixture.js';
import { slackRequests } from './slack-requests.js';

const ADMIN = 'UADMIN';

describe('every button pressed with a value the bot did not issue', () => {
  const said: string[] = [];
  let providerCalls = 0;
  let n = 0;
  const fx = slackBot({
    fakes: () => {
      fakeSlackApi(said, () => ({ ok: true, members: [] }));
      nock('https://api.openai.com')
        .persist()
        .post(/.*/)
        .reply(500, () => (providerCalls++, {}));
    },
    env: {
      TEST_OPENAI_KEY: 'sk-test',
      JCB_ADMINS: ADMIN,
      JCB_BOT_RATE_PER_MINUTE: '100000',
      JCB_QUEUE_PREFIX: queuePrefix('jcbforged'),
    },
  });
  beforeAll(fx.start, 60_000);
  afterAll(fx.stop);

  const { button, slash } = slackRequests(() => fx.url);
  const ref = (r: object) => `run:${JSON.stringify(r)}`;
  const good = { t: 'mr', m: 'openai-test', d: 'B_p1', s: 'one' };
  const rated = `rate:${JSON.stringify({ t: 'irs', m: 'gpt-4o', d: '2', h: outputHash('内服薬の忘れ') })}`;
  const costed = { task: 'mr', model: 'openai-test', shot: 'one', limit: 1, noCache: false };
  const offer = `offer:${'ab'.repeat(12)}`;
  const select = (id: string, block: string, value: string) => ({
    type: 'static_select',
    action_id: id,
    block_id: block,
    selected_option: { value },
  });
  const press = (id: string, fields: object) => ({ type: 'button', action_id: id, block_id: 'b', ...fields });

  /** Per action id, presses it never issued. */
  const FORGED: Record<string, object[]> = {
    run_random_document: [
      press('run_random_document', { block_id: ref({ t: 'mr' }) }),
      press('run_random_document', { block_id: ref({ ...good, s: 'two' }) }),
      press('run_random_document', { block_id: 'run:{bad json' }),
    ],
    run_other_model: [
      select('run_other_model', ref(good), ''),
      select('run_other_model', ref(good), 'x'.repeat(500)),
      select('run_other_model', ref({ ...good, extra: 1 }), 'gpt-4o'),
    ],
    run_other_shot: [
      press('run_other_shot', { block_id: 'b' }),
      press('run_other_shot', { block_id: ref({ ...good, d: '' }) }),
    ],
    run_every_document: [press('run_every_document', { block_id: ref({ ...good, s: 'three' }) })],
    rate_consistency: [select('rate_consistency', rated, '9'), select('rate_consistency', rated, '3.5')],
    rate_saliency: [select('rate_saliency', rated, '0'), select('rate_saliency', 'rate:{}', '3')],
    rate_fluency: [select('rate_fluency', rated, '-1'), select('rate_fluency', rated, '')],
    // Carries nothing it acts on: answers the definitions whatever it carries (checked below: no work).
    rate_definitions: [press('rate_definitions', { block_id: 'rate:{bad' })],
    rate_comment: [press('rate_comment', { block_id: 'rate:{bad' })],
    jcb_cost_confirm: [
      press('jcb_cost_confirm', { value: 'cancel' }),
      press('jcb_cost_confirm', { value: JSON.stringify({ cmd: costed, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ cmd: { ...costed, limit: 999_999_999 }, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ cmd: { ...costed, shot: 'two' }, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ cmd: { ...costed, limit: { $gt: 1 } }, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ ...costed, offer }) }),
      press('jcb_cost_confirm', { value: JSON.stringify({ cmd: costed, offer: 'offer:x' }) }),
    ],
    jcb_cost_cancel: [press('jcb_cost_cancel', { value: 'cancel' }), press('jcb_cost_cancel', { value: '{}' })],
    free_text_send_masked: [
      press('free_text_send_masked', { value: 'p' }),
      press('free_text_send_masked', { value: 'a'.repeat(1999) }),
    ],
    free_text_cancel: [press('free_text_cancel', { value: '0'.repeat(24) })],
  };

  const actions = listenerRegistry({} as BotContext).filter((l) => l.kind === 'action');
  const ids = [...new Set(actions.map((l) => l.id))];

  it('has forged presses for every action listener', () => {
    expect(Object.keys(FORGED).sort()).toEqual(ids.sort());
  });

  it.each(ids.flatMap((id) => (FORGED[id] ?? []).map((p, i) => ({ id, i, p }))))(
    '$id #$i: one line to the person, no work',
    async ({ id, p }) => {
      const tag = `${5000 + ++n}.1`;
      const before = said.length;
      const runsBefore = (await fx.services.status(undefined, { all: true })).length;
      const ack = await button(p)(ADMIN, tag);
      expect(ack.status).toBe(200);
      const answers = () => said.slice(before).filter((s) => s.includes(tag));
      for (let i = 0; i < 200 && answers().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 200));
      const sent = said.slice(before);
      // Only the answer on the response_url: no message, update, modal or ephemeral posted elsewhere.
      expect(sent.filter((s) => s.includes('"method"'))).toEqual([]);
      expect(answers()).toHaveLength(1);
      const text = (JSON.parse(answers()[0]) as { body: { text: string } }).body.text;
      if (id !== 'rate_definitions') {
        expect(text).not.toMatch(/\n/);
        expect(text).toMatch(/lost|not one I offered|expired|not your|whole number|1 to 5|hidden|not one jcb/i);
      }
      expect(text).not.toMatch(/at .*\.(ts|js):\d|\/work\/|Error:/);
      expect(providerCalls).toBe(0);
      expect((await fx.services.status(undefined, { all: true })).length).toBe(runsBefore);
    },
  );

  // A message older than 30 minutes: its response_url answers 404. The same line reaches the person as an
  // ephemeral where they pressed (breaker-slack: nothing reached them, and the log had an unhandled error).
  const expired = [
    ...ids.map((id) => ({ id, send: (tag: string) => button(FORGED[id][0])(ADMIN, tag) })),
    { id: '/jcb status nope', send: (tag: string) => slash('status nope')(ADMIN, tag) },
  ];
  it.each(expired)('$id with an expired response_url: the answer as an ephemeral', async ({ send }) => {
    const tag = `OLD${5000 + ++n}.1`;
    const before = said.length;
    expect((await send(tag)).status).toBe(200);
    const told = () =>
      said
        .slice(before)
        .map((s) => JSON.parse(s) as { method?: string; user?: string; channel?: string; text?: string })
        .filter((c) => c.method?.endsWith('chat.postEphemeral') && c.user === ADMIN && c.channel === 'C1');
    for (let i = 0; i < 200 && told().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
    expect(told()).toHaveLength(1);
    expect(told()[0].text).toMatch(/\S/);
    expect(said.slice(before).filter((s) => s.includes('chat.postMessage'))).toEqual([]);
  });
});

// Every option of `eval` that Slack takes, set one at a time (from the command table: a new option is in this test
// by being in the table), goes through the cost offer's Confirm into the queue as it was parsed (breaker-slack: the
// offer's value copied each option by hand, and dropped --labels, --documents and --concurrency).
describe("every option of /jcb eval through the cost offer's Confirm", () => {
  const said: string[] = [];
  const release = releaseDir();
  const redis = ownRedis();
  const env: Record<string, string> = {
    JCB_MODELS: modelsFile(
      'models:\n  priced: { provider: openai, model: gpt-4o, apiKeyEnv: TEST_OPENAI_KEY, prices: { input: 2.5, output: 10 } }\n',
    ),
    TEST_OPENAI_KEY: 'sk-test',
    JCB_ADMINS: ADMIN,
    JCB_CONFIRM_COST_USD: '0',
    JCB_BOT_RATE_PER_MINUTE: '100000',
    JCB_QUEUE_PREFIX: queuePrefix('jcbconfirm'),
    // The release, for CCA's label versions (the miniature one has no CCA); its own manifest.
    ...(release && { JCB_DATA_DIR: release, JCB_RELEASE_MANIFEST: '' }),
  };
  const fx = slackBot({ fakes: () => fakeSlackApi(said, () => ({ ok: true, members: [] })), env });
  const queued: EvalCommand[] = [];
  let runId = '';
  beforeAll(async () => {
    await redis.start();
    env.REDIS_URL = redis.url;
    await fx.start();
    const enqueue = fx.services.enqueueEvaluation;
    vi.spyOn(fx.services, 'enqueueEvaluation').mockImplementation((cmd) => (queued.push(cmd), enqueue(cmd)));
    runId = (await enqueue({ task: 'mr', model: 'priced', shot: 'one', startedBy: ADMIN })).run.id;
  }, 60_000);
  afterAll(async () => {
    await fx.stop();
    await redis.kill();
  });
  const { button, slash } = slackRequests(() => fx.url);
  let n = 0;

  const parsed = (text: string) =>
    JSON.parse(JSON.stringify(parseCommand(splitWords(`eval ${text}`), { face: 'slack' }))) as object;
  /** The words of the option with a value it takes that changes the command: a choice, a number in range, the run made above. */
  const given = (head: string, o: OptionSpec): string => {
    const values = !o.value
      ? ['']
      : (o.choices ?? (o.range ? [String(Math.max(1, o.range[0]) + 1)] : o.name === 'run' ? [runId] : []));
    const words = values.map((v) => `${head} --${o.name} ${v}`.trim());
    const changes = words.find((w) => JSON.stringify(parsed(w)) !== JSON.stringify(parsed(head)));
    if (!changes) throw new Error(`no value for --${o.name} here that changes the command: give it one`);
    return changes;
  };
  const eval_ = COMMANDS_BY_NAME.get('eval')!;
  // --dry-run offers nothing (the estimate only: test/bot.test.ts).
  const options = eval_.options.filter((o) => offeredOn(o.faces, 'slack') && o.name !== 'dry-run');

  /** `/jcb eval <extra>`, its offer's Confirm pressed: what the queue was asked. */
  async function confirmed(extra: string): Promise<EvalCommand> {
    const tag = `${7000 + ++n}.1`;
    const before = said.length;
    await slash(`eval ${extra}`)(ADMIN, tag);
    const offer = () =>
      said
        .slice(before)
        .map((s) => JSON.parse(s) as { uri?: string; body?: { text?: string; blocks?: ActionsBlock[] } })
        .find((c) => c.uri?.endsWith(tag))?.body;
    for (let i = 0; i < 400 && !offer(); i++) await new Promise((r) => setTimeout(r, 25));
    const buttons = offer()?.blocks?.find((b) => b.type === 'actions')?.elements;
    expect(buttons, offer()?.text).toBeDefined();
    const confirm = buttons!.find((b) => b.action_id === 'jcb_cost_confirm')!;
    expect(confirm.value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    const asked = queued.length;
    await button({ type: 'button', block_id: 'b', action_id: confirm.action_id, value: confirm.value })(
      ADMIN,
      `${tag}c`,
    );
    for (let i = 0; i < 400 && queued.length === asked; i++) await new Promise((r) => setTimeout(r, 25));
    expect(queued.length).toBe(asked + 1);
    return queued[asked];
  }

  it.each(options.map((o) => ({ name: o.name, o })))('--$name', async ({ o }) => {
    if (o.name === 'labels' && !release) return; // CCA alone has label versions, in the release only
    const extra = given(`${o.name === 'labels' ? 'cca' : 'mr'} priced${o.name === 'limit' ? '' : ' --limit 1'}`, o);
    // Queued as Slack's grammar parsed the command, whole.
    expect(await confirmed(extra)).toEqual({ ...parsed(extra), startedBy: ADMIN });
  });

  it('refuses in one line a command too long for a button, before any offer', () => {
    const cmd = { task: 'mr', model: 'priced', shot: 'one' as const, runId: 'r'.repeat(2000) };
    expect(() => offerValue(cmd, `offer:${'0'.repeat(24)}`)).toThrow(
      /^This evaluation is too long to offer on a Confirm button \(2,\d{3} characters; Slack takes 2,000\): nothing was queued\.$/,
    );
  });
});

interface ActionsBlock {
  type: string;
  elements?: { action_id: string; value: string }[];
}
