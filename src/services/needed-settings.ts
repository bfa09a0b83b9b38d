// The settings a command cannot work without (the command table's `needs`) and the optional ones of a fixed form
// (SLACK_APP_TOKEN), checked before any work: unset, empty or of the wrong form, said in one line, never echoed.
import { UserError } from '../base/errors.js';
import { missingSetting } from '../base/missing-setting.js';

/**
 * A setting a command cannot work without (the command table's `needs`: `jcb bot`, whose every post to Slack,
 * `leaderboard --post` and the schedules' digests included, goes with SLACK_BOT_TOKEN): unset, empty or of the
 * wrong form, it is said before the command starts, never after a round trip to Slack's auth.test.
 */
export interface NeededSetting {
  /** What it is, as said after its name: `SLACK_BOT_TOKEN is not set (<what>).` */
  what: string;
  /** Its form; a value of another form is refused, never echoed (a secret). */
  form: RegExp;
  /** The form in words: `it is not <shape>`. */
  shape: string;
  /** What to do, the refusal's second line. */
  hint: string;
}

/** Slack's token prefixes (api.slack.com/authentication/token-types): said when one of another kind is given. */
const SLACK_TOKEN_KINDS: Record<string, string> = {
  'xoxb-': 'a bot token, for SLACK_BOT_TOKEN',
  'xoxp-': 'a user token',
  'xapp-': 'an app-level token, for SLACK_APP_TOKEN',
  'xoxe-': 'a refresh token',
  'xoxa-': 'a workspace token',
};

export const NEEDED_SETTINGS: Record<string, NeededSetting> = {
  SLACK_BOT_TOKEN: {
    what: 'the Bot User OAuth Token, xoxb-…',
    form: /^xoxb-[A-Za-z0-9-]+$/,
    shape: 'xoxb- then letters, digits and dashes',
    hint: 'Create the app from manifest.yml and copy its tokens (README, "Connect Slack").',
  },
  // Optional (Socket Mode); when given, of its form: a token of another kind made the Socket Mode client retry for
  // ever ("Failed to retrieve a new WSS URL", not_allowed_token_type) or fail after a round trip (invalid_auth).
  SLACK_APP_TOKEN: {
    what: 'the app-level token, xapp-… (for Socket Mode)',
    form: /^xapp-[A-Za-z0-9-]+$/,
    shape: 'xapp- then letters, digits and dashes',
    hint: 'Create an app-level token with connections:write (README, "Connect Slack"), or unset it for the HTTP receiver.',
  },
};

/**
 * Checks the settings `names` of NEEDED_SETTINGS in `env`, in order.
 * @throws UserError `NAME is not set|empty|blank (<what>).` or `NAME is not <what>: <why>.`, the value never echoed.
 */
export function checkNeeded(env: NodeJS.ProcessEnv, names: readonly string[]): void {
  for (const name of names) {
    const s = NEEDED_SETTINGS[name];
    const missing = missingSetting(env, name);
    if (missing) throw new UserError(`${missing} (${s.what}).`, s.hint);
    const value = env[name]!;
    if (s.form.test(value)) continue;
    // A token of another kind is named (its own kind's prefix is this setting's form, a value it refused for another
    // reason).
    const kind = Object.entries(SLACK_TOKEN_KINDS).find(
      ([prefix]) => value.trim().startsWith(prefix) && !s.form.source.startsWith(`^${prefix}`),
    );
    const why =
      value.trim() !== value
        ? 'it has blanks around it'
        : kind
          ? `it starts with ${kind[0]}, ${kind[1]}`
          : `it is not ${s.shape}`;
    throw new UserError(`${name} is not ${s.what}: ${why}.`, s.hint);
  }
}
