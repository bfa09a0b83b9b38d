// The bot's settings, from the environment, checked at start with one clear message for what is missing.
import type { ActPolicy } from '../src/policy/acts.js';
import { issueLine } from '../src/base/issues.js';
import { z } from 'zod';
import { UserError } from '../src/base/errors.js';
import { checkEnv } from '../src/services/env.js';
import { checkNeeded } from '../src/services/needed-settings.js';
import { missingSetting } from '../src/base/missing-setting.js';

const list = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );

/** Empty is unset (its default), as the settings table reads it: PORT= is not port 0, JCB_CONFIRM_COST_USD= not $0. */
const emptyIsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);

/** The bot's settings that the settings table (ENV_SETTINGS) rules: checked by it, in its words. */
const TABLE_RULED = [
  'SLACK_API_URL',
  'SLACK_APP_ID',
  'PORT',
  'JCB_BOT_RATE_PER_MINUTE',
  'JCB_SLACK_LOOKUP_MS',
  'JCB_BOT_ALLOWED_USERS',
  'JCB_BOT_ALLOWED_CHANNELS',
  'JCB_ADMINS',
  'JCB_CONFIRM_COST_USD',
];

const schema = z.object({
  SLACK_BOT_TOKEN: z.string().min(1),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The app's id (Basic Information → App ID): requests naming another app are refused. */
  SLACK_APP_ID: emptyIsUnset(
    z
      .string()
      .regex(/^A[A-Z0-9]+$/)
      .optional(),
  ),
  PORT: emptyIsUnset(z.coerce.number().int().min(0).max(65535).default(3000)),
  /** Requests a user may make a minute (commands, buttons, mentions). */
  JCB_BOT_RATE_PER_MINUTE: emptyIsUnset(z.coerce.number().int().positive().default(20)),
  /** How long the bot waits for Slack's users.info (guest or not) before treating the user as a guest. */
  JCB_SLACK_LOOKUP_MS: emptyIsUnset(z.coerce.number().int().min(100).max(60_000).default(1500)),
  /** If set, only these users (Slack ids) may run live models; replays and baselines stay open. */
  JCB_BOT_ALLOWED_USERS: list,
  /** If set, live models run only in these channels. */
  JCB_BOT_ALLOWED_CHANNELS: list,
  /** Slack user ids who may cancel, re-queue and judge anyone's runs (others: only their own). */
  JCB_ADMINS: list,
  /** `/jcb eval` of a live model estimated above this many US dollars asks for a confirmation first. */
  JCB_CONFIRM_COST_USD: emptyIsUnset(z.coerce.number().min(0).default(1)),
});

export interface BotConfig {
  botToken: string;
  /** Socket Mode when present (no public URL needed), else the HTTP receiver. */
  appToken?: string;
  signingSecret?: string;
  slackApiUrl?: string;
  /** When set, requests whose api_app_id is another app's are refused. */
  appId?: string;
  port: number;
  ratePerMinute: number;
  /** How long (ms) Slack's users.info is waited for before a user is treated as a guest (JCB_SLACK_LOOKUP_MS). */
  lookupMs: number;
  allowedUsers: string[];
  allowedChannels: string[];
  admins: string[];
  confirmCostUsd: number;
  /** Whether a user is a guest of the workspace (set by createContext from Slack's users.info; acts.ts). */
  guest?: ActPolicy['guest'];
}

const RECEIVERS = [
  ['SLACK_APP_TOKEN', 'xapp-…, for Socket Mode'],
  ['SLACK_SIGNING_SECRET', 'for the HTTP receiver on PORT'],
] as const;

/** The operator's next step (the bot's start is said in a terminal only: terminal words, no chat hint). */
const SEE = { hint: 'Create the app from manifest.yml and copy its tokens (README, "Connect Slack").' };

export function botConfig(env: NodeJS.ProcessEnv): BotConfig {
  checkNeeded(env, ['SLACK_BOT_TOKEN']);
  // Either is enough; one set to nothing is a mistake said as such, never read as unset (another receiver).
  for (const [name, what] of RECEIVERS) {
    const missing = env[name] !== undefined && missingSetting(env, name);
    if (missing) throw new UserError(`${missing}: give it (${what}) or unset it.`, undefined, SEE);
  }
  if (env.SLACK_APP_TOKEN) checkNeeded(env, ['SLACK_APP_TOKEN']);
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    throw new UserError(
      'Set SLACK_APP_TOKEN (xapp-…, for Socket Mode) or SLACK_SIGNING_SECRET (for the HTTP receiver on PORT).',
      undefined,
      SEE,
    );
  }
  checkEnv(env, TABLE_RULED);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new UserError(`${issueLine(parsed.error.issues[0])}.`, undefined, SEE);
  }
  const c = parsed.data;
  return {
    botToken: c.SLACK_BOT_TOKEN,
    appToken: c.SLACK_APP_TOKEN || undefined,
    signingSecret: c.SLACK_SIGNING_SECRET || undefined,
    // The Web API client joins method names to this base: it must end with a slash.
    slackApiUrl: c.SLACK_API_URL ? c.SLACK_API_URL.replace(/\/?$/, '/') : undefined,
    appId: c.SLACK_APP_ID,
    port: c.PORT,
    ratePerMinute: c.JCB_BOT_RATE_PER_MINUTE,
    lookupMs: c.JCB_SLACK_LOOKUP_MS,
    allowedUsers: c.JCB_BOT_ALLOWED_USERS,
    allowedChannels: c.JCB_BOT_ALLOWED_CHANNELS,
    admins: c.JCB_ADMINS,
    confirmCostUsd: c.JCB_CONFIRM_COST_USD,
  };
}
