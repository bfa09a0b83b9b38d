// The Bolt app: Socket Mode with SLACK_APP_TOKEN, else the HTTP receiver on PORT at /slack/events.
import { App, HTTPReceiver, LogLevel, type Logger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Server } from 'node:http';
import { UserError } from '../src/base/errors.js';
import { watchLoopDelay } from '../src/base/loop-delay.js';
import { repeatedLines } from '../src/base/repeats.js';
import { storeLogLine } from '../src/store/errors.js';
import { storeLocation } from '../src/store/store.js';
import { createServices, type Services } from '../src/services/index.js';
import { botConfig, type BotConfig } from './config.js';
import { createContext } from './context.js';
import { slackRateLimits } from './rate-limits.js';
import { guardEntry } from './doors.js';
import { registerListeners } from './index.js';
import { progressClient, trackProgress } from './progress.js';
import { refuseStaleOrFuture } from './safety.js';

export interface Bot {
  config: BotConfig;
  /** Checks the token, then listens; resolves with the HTTP server in HTTP mode. */
  start(): Promise<Server | undefined>;
  stop(): Promise<void>;
}

/** Who the token belongs to, or a clear refusal. */
async function whoAmI(config: BotConfig): Promise<{ botId: string; botUserId: string; teamId?: string }> {
  // Its retries' warnings (`[WARN] web-api:WebClient:0 http request failed …`) are not a person's to read.
  const client = new WebClient(config.botToken, {
    slackApiUrl: config.slackApiUrl,
    retryConfig: { retries: 2 },
    logLevel: LogLevel.ERROR,
  });
  try {
    const me = await client.auth.test();
    return { botId: me.bot_id as string, botUserId: me.user_id as string, teamId: me.team_id };
  } catch (err) {
    // Slack never answered (offline, a wrong SLACK_API_URL): that is no refusal of the token.
    if ((err as { code?: string }).code === 'slack_webapi_request_error') {
      const code = (err as { original?: { code?: string; cause?: { code?: string } } }).original;
      const why = code?.code ?? code?.cause?.code;
      throw new UserError(
        `Could not reach Slack to check SLACK_BOT_TOKEN${why ? ` (${why === 'ENOTFOUND' || why === 'EAI_AGAIN' ? 'host not found' : why === 'ECONNREFUSED' ? 'connection refused' : 'no connection'})` : ''}.`,
        'Check the network, or SLACK_API_URL if it is set; the token itself was not checked.',
      );
    }
    throw new UserError(
      `Slack refused SLACK_BOT_TOKEN: ${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message}.`,
      'Copy the Bot User OAuth Token (xoxb-…) of the installed app (README, "Connect Slack").',
    );
  }
}

/**
 * Bolt's HTTP receiver, with requests dated more than five minutes from now in either direction refused
 * (401) before Bolt sees them: Bolt's own check refuses only the past ones, and a request signed for a
 * future time could otherwise be replayed until then.
 */
function httpReceiver(signingSecret: string): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret });
  const listener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (refuseStaleOrFuture(req.headers['x-slack-request-timestamp'])) {
      res.writeHead(401).end();
      return;
    }
    return listener(req, res);
  };
  return receiver;
}

const LEVELS = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/**
 * The log of Bolt, its receivers and the Web API client (one logger, shared), as Bolt's console logger writes it,
 * except that a debug line (JCB_DEBUG) keeps only its head before any body it carries: requests, answers and
 * acknowledgements hold what people typed, clinical text included (README, Privacy: never logged).
 */
export function privateLogger(level: LogLevel, write: Pick<Console, 'debug' | 'info' | 'warn' | 'error'> = console) {
  let at = LEVELS.indexOf(level);
  const head = (m: unknown) =>
    typeof m !== 'string'
      ? '(an object: not logged)'
      : /[{[]/.test(m)
        ? `${m.slice(0, m.search(/[{[]/)).trimEnd()} … (body not logged: it may hold people's text)`
        : m;
  const say = (lvl: LogLevel, out: (...a: unknown[]) => void, msgs: unknown[]) => {
    if (LEVELS.indexOf(lvl) >= at) out(`[${lvl.toUpperCase()}]  jcb bot`, ...msgs);
  };
  const logger: Logger = {
    debug: (...msgs) => say(LogLevel.DEBUG, write.debug, msgs.map(head)),
    info: (...msgs) => say(LogLevel.INFO, write.info, msgs),
    warn: (...msgs) => say(LogLevel.WARN, write.warn, msgs),
    error: (...msgs) => say(LogLevel.ERROR, write.error, msgs),
    setLevel: (l) => void (at = LEVELS.indexOf(l)),
    getLevel: () => LEVELS[at],
    // Shared by Bolt and the Web API client, which would each name it after itself: one name for the bot.
    setName: () => {},
  };
  return logger;
}

/** Logs the event loop's delay (p99) once a window (JCB_LOOP_REPORT_MS, default a minute) and keeps it for `jcb doctor`. */
function reportLoopDelay(services: Services, env: NodeJS.ProcessEnv, log: (m: string) => void): () => void {
  const windowMs = Number(env.JCB_LOOP_REPORT_MS) > 0 ? Number(env.JCB_LOOP_REPORT_MS) : 60_000;
  const watch = watchLoopDelay();
  const timer = setInterval(() => {
    const d = watch.read();
    log(`event loop delay over ${Math.round(windowMs / 1000)} s: p99 ${d.p99} ms, p50 ${d.p50} ms, max ${d.max} ms`);
    try {
      services.recordLoopDelay(d, windowMs);
    } catch (err) {
      log(`event loop delay not kept for jcb doctor: ${(err as Error).message}`);
    }
  }, windowMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    watch.stop();
  };
}

/**
 * The progress tracker's log (it runs every second): the store away is one line in the store's words, not a stack;
 * a line that repeats every pass (the same failure) is said once a minute at most.
 */
function trackerLog(env: NodeJS.ProcessEnv, app: App | undefined): (err: unknown) => void {
  const repeats = repeatedLines();
  const store = storeLocation(env);
  return (err) => {
    const away = storeLogLine(err, store);
    if (away) {
      if (repeats.first(away)) app?.logger.warn(`progress: ${away}; retrying`);
      return;
    }
    if (repeats.first(err instanceof Error ? err.message : String(err))) app?.logger.error(err);
  };
}

export function createBot(env: NodeJS.ProcessEnv = process.env, services: Services = createServices({ env })): Bot {
  const config = botConfig(env);
  let app: App | undefined;
  let stopTracking = async () => {};
  let stopLoopWatch = () => {};
  // A start's queue work still under way when the bot stops fails as its connections close: not a warning then.
  let stopped = false;
  const warnUnlessStopped = (what: string) => (err: Error) => {
    if (!stopped) app?.logger.warn(`${what}: ${err.message}`);
  };
  return {
    config,
    async start() {
      // The bot's identity is asked once, here. (Bolt 5.1 asks auth.test again on every request
      // when given neither the ids nor token verification at construction.)
      const { teamId, ...identity } = await whoAmI(config);
      const limits = slackRateLimits();
      app = new App({
        token: config.botToken,
        ...identity,
        tokenVerificationEnabled: false,
        ...(config.appToken
          ? {
              socketMode: true,
              appToken: config.appToken,
              // The Socket Mode client opens its connection through a Web API client of its own.
              installerOptions: { clientOptions: config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {} },
            }
          : { receiver: httpReceiver(config.signingSecret!) }),
        // A 429's Retry-After waited by its own call only, as given, no growing backoff on top (rate-limits.ts).
        clientOptions: {
          ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
          ...limits.clientOptions,
        },
        // Bolt sets its level on the logger (INFO when not given): both given.
        logger: privateLogger(env.JCB_DEBUG ? LogLevel.DEBUG : LogLevel.INFO),
        logLevel: env.JCB_DEBUG ? LogLevel.DEBUG : LogLevel.INFO,
      });
      const ctx = createContext(services, config, identity.botUserId);
      // Requests of another workspace or app are refused: the team from auth.test, the app from SLACK_APP_ID.
      guardEntry(app, ctx, { teamId, appId: config.appId });
      registerListeners(app, ctx, limits);
      const server = (await app.start(config.port)) as unknown;
      // Charts, detection and scoring run on worker threads: the first and the dictionary load in the background;
      // a request arriving before is acknowledged at once and its work waits for them.
      const warming = performance.now();
      void services.warmUp().then((warm) => {
        if (warm) app?.logger.info(`worker threads ready in ${Math.round(performance.now() - warming)} ms`);
      });
      stopLoopWatch = reportLoopDelay(services, env, (m) => app?.logger.info(m));
      stopTracking = trackProgress(services, progressClient(config.botToken, config.slackApiUrl), trackerLog(env, app));
      // Queued runs whose jobs were lost with Redis are queued again (workers do it too).
      // Redis that may evict keys, or whose policy cannot be read, is said loudly at start.
      services
        .startReconciler(
          (m) => app?.logger.info(m),
          (m) => app?.logger.warn(`Redis: ${m}`),
        )
        .catch(warnUnlessStopped('evaluation queue'));
      // Scheduled evaluations: their runs are watched, and the digest posted when they have all ended.
      // Without Redis the bot still works; the schedules wait for it.
      services
        .startScheduler(
          async (schedule, runIds) => {
            for (const id of runIds) await services.watch(id, `digest:${schedule}`, id);
          },
          // schedules.yml edited while the bot runs: installed again, said in the log.
          (line) => app?.logger.info(line),
        )
        .catch(warnUnlessStopped('schedules not installed'));
      return config.appToken ? undefined : (server as Server);
    },
    async stop() {
      stopped = true;
      const tracking = stopTracking();
      stopLoopWatch();
      await app?.stop();
      await tracking; // its pass under way ends before the store closes
      await services.close();
    },
  };
}
