// Buttons that start work or spend money act once (finding 2 of breaker-slack): an offer is issued with what its
// button carries; the first press claims it in the store (atomically, whichever bot process gets it), the others
// read what that press did.
import { createHash, randomBytes } from 'node:crypto';
import type { ButtonClaim } from '../store/side-tables.js';
import type { ServiceContext } from './context.js';

export type { ButtonClaim };

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export function buttonServices(ctx: ServiceContext) {
  return {
    /** A new one-time offer to `user` of a button carrying `value` (its hash kept), valid `ttlMs`: its id. */
    async issueButton(user: string, value: string, ttlMs: number): Promise<string> {
      const id = `offer:${randomBytes(12).toString('hex')}`;
      const expiresAt = new Date(Date.now() + ttlMs).toISOString();
      await (await ctx.store()).issueButton(id, { user, valueHash: hash(value), expiresAt });
      return id;
    },
    /** A press of an issued offer `id` by `user`, carrying `value`: may it act, or why not. */
    async claimOffer(id: string, user: string, value: string): Promise<ButtonClaim> {
      return (await ctx.store()).claimButton(id, { user, valueHash: hash(value) });
    },
    /** A press of a message's button (`key`: the message, the button, what it would do): the first in `holdMs` acts. */
    async claimPress(key: string, user: string, holdMs: number): Promise<{ id: string; claim: ButtonClaim }> {
      const id = `press:${hash(key)}`;
      return { id, claim: await (await ctx.store()).claimButton(id, { user, holdMs }) };
    },
    /** What the claiming press did (`outcome`), or undefined: nothing, and the button stands again. */
    async settleButton(id: string, outcome: string | undefined): Promise<void> {
      await (await ctx.store()).settleButton(id, outcome);
    },
  };
}
