// The Bolt app: Socket Mode with SLACK_APP_TOKEN, else the HTTP receiver on PORT at /slack/events.
import { App, LogLevel } from '@slack/bolt';
import type { Server } from 'node:http';
import { UserError } from '../src/errors.js';
import { createServices, type Services } from '../src/services.js';
import { botConfig, type BotConfig } from './config.js';
import { createContext } from './context.js';
import { registerListeners } from './index.js';

export interface Bot {
  app: App;
  config: BotConfig;
  /** Starts listening; resolves with the HTTP server in HTTP mode. */
  start(): Promise<Server | undefined>;
  stop(): Promise<void>;
}

export function createBot(env: NodeJS.ProcessEnv = process.env, services: Services = createServices({ env })): Bot {
  const config = botConfig(env);
  const app = new App({
    token: config.botToken,
    ...(config.appToken ? { socketMode: true, appToken: config.appToken } : { signingSecret: config.signingSecret }),
    clientOptions: config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : undefined,
    logLevel: env.JCB_DEBUG ? LogLevel.DEBUG : LogLevel.INFO,
  });
  registerListeners(app, createContext(services, config));
  return {
    app,
    config,
    async start() {
      // Bolt checks the token with auth.test once, at construction (with the check off, Bolt 5.1 calls
      // auth.test on every request). Asked again here, to say clearly when Slack refuses the token.
      try {
        await app.client.auth.test();
      } catch (err) {
        throw new UserError(
          `Slack refused SLACK_BOT_TOKEN: ${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message}.`,
          'Copy the Bot User OAuth Token (xoxb-…) of the installed app (README, "Connect Slack").',
        );
      }
      const server = (await app.start(config.port)) as unknown;
      return config.appToken ? undefined : (server as Server);
    },
    async stop() {
      await app.stop();
      await services.close();
    },
  };
}
