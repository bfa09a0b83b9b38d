// The bot on its real HTTP receiver against a nock'd Slack Web API, shared by the Slack tests: a fresh store, the
// network closed but for 127.0.0.1, the test's fakes set up, the bot started on a free port; stopped with all the
// fakes removed and the store dropped.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { createBot, type Bot } from '../handlers/app.js';
import { createServices, type Services } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, testModelsFile, type TestStore } from './helpers.js';
import { SIGNING_SECRET } from './slack-requests.js';

export interface SlackBotOptions {
  /** Sets up the fake Slack (and any provider) on nock, before the bot starts. */
  fakes: () => void;
  /** The bot's env beyond the fixture's, token, signing secret and port (the store's comes last). */
  env?: Record<string, string>;
}

/** A queue prefix of this process alone, starting `name`. */
export const queuePrefix = (name: string) => `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Call `start` in a beforeAll (60 s) and `stop` in an afterAll; `url` is the bot's events URL once started. */
export function slackBot(opts: SlackBotOptions) {
  let bot: Bot;
  let store: TestStore;
  const fx = {
    url: '',
    services: undefined as unknown as Services,
    async start() {
      store = await freshStore('sqlite');
      nock.disableNetConnect();
      nock.enableNetConnect('127.0.0.1');
      opts.fakes();
      const env = {
        ...FIXTURE_ENV,
        JCB_MODELS: testModelsFile(),
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        PORT: '0',
        ...opts.env,
        ...store.env,
      };
      fx.services = createServices({ env, tokenizer: inThreadTokenizer(), retryBaseDelayMs: 1 });
      bot = createBot(env, fx.services);
      const server = (await bot.start()) as Server;
      fx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    },
    async stop() {
      await bot.stop();
      nock.cleanAll();
      nock.enableNetConnect();
      await store.drop();
    },
  };
  return fx;
}
