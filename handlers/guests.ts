// Who of the people asking is a guest of the workspace, as Slack says (users.info: `is_restricted`, a
// multi-channel guest; `is_ultra_restricted`, a single-channel guest): the acts table (src/policy/acts.ts,
// `guestMay`) lets a guest do only what anyone may. Read before a request's listener (doors.ts, knowGuests),
// remembered a while.
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

/** How long Slack's answer is kept: a member made a guest (or back) is treated so within this time. */
const KEEP_MS = 10 * 60_000;
/** How long a request waits for users.info before its person counts as unknown (a guest, this once). */
const ASK_MS = 1_500;

const userInfo = z.object({
  ok: z.literal(true),
  user: z.object({
    id: z.string(),
    is_restricted: z.boolean().optional(),
    is_ultra_restricted: z.boolean().optional(),
  }),
});

/** Slack's answers about people: guest or not, for `KEEP_MS`; unknown (undefined) until Slack has said. */
export class GuestBook {
  private readonly known = new Map<string, { guest: boolean; at: number }>();

  /** Whether `user` is a guest; undefined when Slack has not said (lately). */
  guest = (user: string): boolean | undefined => {
    const k = this.known.get(user);
    return k && Date.now() - k.at < KEEP_MS ? k.guest : undefined;
  };

  /**
   * Asks Slack about `user` unless known. A failure (a missing `users:read` scope, Slack down, a late answer)
   * leaves them unknown, logged for the operator in `warn`; never thrown.
   */
  async learn(client: WebClient, user: string, warn: (line: string) => void): Promise<void> {
    if (this.guest(user) !== undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ASK_MS / 1000} s`)), ASK_MS);
    });
    try {
      const answer = userInfo.parse(await Promise.race([client.users.info({ user }), late]));
      const guest = Boolean(answer.user.is_restricted || answer.user.is_ultra_restricted);
      if (this.known.size > 10_000) this.known.clear();
      this.known.set(user, { guest, at: Date.now() });
    } catch (err) {
      warn(
        `users.info for ${user} failed (treated as a guest this time; the app needs users:read): ${(err as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
