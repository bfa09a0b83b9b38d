// Who of the people asking is a guest of the workspace, as Slack says (users.info: `is_restricted`, a
// multi-channel guest; `is_ultra_restricted`, a single-channel guest): the acts table (src/policy/acts.ts,
// `guestMay`) lets a guest do only what anyone may. Asked as a request comes in (doors.ts, knowGuests) without
// holding its acknowledgement; awaited after the ack, before the listener decides (index.ts, withGuestAnswer).
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

/** How long Slack's answer is kept: a member made a guest (or back) is treated so within this time. */
const KEEP_MS = 10 * 60_000;
/** How long a failure is kept (no users:read, Slack down): the person stays unknown, Slack is not asked again. */
const FAILED_KEEP_MS = 60_000;
/** How long a request waits for users.info before its person counts as unknown (a guest, this once). */
/** Slack's errors that mean the app may not ask at all, whoever the person (the operator must act). */
const NO_RIGHT = new Set(['missing_scope', 'not_allowed_token_type']);

/** The operator's line when the app may not read users (said once per process). */
export const NEEDS_USERS_READ =
  "users.info is refused: add users:read to the app's scopes and reinstall: until then jcb treats everyone as a guest";

const userInfo = z.object({
  ok: z.literal(true),
  user: z.object({
    id: z.string(),
    is_restricted: z.boolean().optional(),
    is_ultra_restricted: z.boolean().optional(),
  }),
});

/** Slack's error code of a failed Web API call (`missing_scope`…), if it is one. */
const slackError = (err: unknown): string | undefined => {
  const data = (err as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
};

/**
 * Slack's answers about people: guest or not for `KEEP_MS`, a failure (unknown) for `FAILED_KEEP_MS`;
 * unknown (undefined) until Slack has said.
 */
export class GuestBook {
  private readonly known = new Map<string, { guest: boolean | undefined; at: number }>();
  private readonly asking = new Map<string, Promise<void>>();
  private toldNoRight = false;

  /** `askMs`: how long Slack's answer is waited for (BotConfig.lookupMs) before the user is left unknown (a guest). */
  constructor(private readonly askMs: number) {}

  private fresh(user: string): { guest: boolean | undefined } | undefined {
    const k = this.known.get(user);
    if (!k) return undefined;
    return Date.now() - k.at < (k.guest === undefined ? FAILED_KEEP_MS : KEEP_MS) ? k : undefined;
  }

  /** Whether `user` is a guest; undefined when Slack has not said (lately) or failed to. */
  guest = (user: string): boolean | undefined => this.fresh(user)?.guest;

  /** Settles once Slack's answer about `user` being asked is in (at once when none is asked). Never rejects. */
  settled(user: string): Promise<void> {
    return this.asking.get(user) ?? Promise.resolve();
  }

  /**
   * Asks Slack about `user` unless known (or being asked: the same promise). A failure (a missing `users:read`
   * scope, Slack down, a late answer) leaves them unknown, logged for the operator in `warn`; never rejects.
   */
  learn(client: WebClient, user: string, warn: (line: string) => void): Promise<void> {
    if (this.fresh(user)) return Promise.resolve();
    const asked = this.asking.get(user);
    if (asked) return asked;
    const asking = this.ask(client, user, warn).finally(() => this.asking.delete(user));
    this.asking.set(user, asking);
    return asking;
  }

  private async ask(client: WebClient, user: string, warn: (line: string) => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.askMs / 1000} s`)), this.askMs);
    });
    let guest: boolean | undefined;
    try {
      const answer = userInfo.parse(await Promise.race([client.users.info({ user }), late]));
      guest = Boolean(answer.user.is_restricted || answer.user.is_ultra_restricted);
    } catch (err) {
      const code = slackError(err);
      if (code && NO_RIGHT.has(code)) {
        if (!this.toldNoRight) warn(`${NEEDS_USERS_READ} (Slack said ${code})`);
        this.toldNoRight = true;
      } else {
        warn(`users.info for ${user} failed (treated as a guest for a minute): ${(err as Error).message}`);
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(user, { guest, at: Date.now() });
  }
}
