// The Bolt app: Socket Mode with SLACK_APP_TOKEN, else the HTTP receiver on PORT at /slack/events.
import { App, LogLevel } from '@slack/bolt';
import type { Server } from 'node:http';
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
    // The bot token is checked on the first Web API call instead of at start (a stand-in API may lack auth.test).
    tokenVerificationEnabled: false,
    logLevel: env.JCB_DEBUG ? LogLevel.DEBUG : LogLevel.INFO,
  });
  registerListeners(app, createContext(services, config));
  return {
    app,
    config,
    async start() {
      const server = (await app.start(config.port)) as unknown;
      return config.appToken ? undefined : (server as Server);
    },
    async stop() {
      await app.stop();
      await services.close();
    },
  };
}
