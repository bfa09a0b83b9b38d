// The data behind everything: the release (pull, check) and where runs are stored.
import { checkRelease } from '../release/check.js';
import { pullRelease } from '../release/pull.js';
import type { ServiceContext } from './context.js';

export function dataServices(ctx: ServiceContext) {
  return {
    /** What the release holds per setting and model, and what does not fit. */
    checkData: () => checkRelease(ctx.release()),

    pullData: (dir?: string) => pullRelease(dir, ctx.env),

    release: ctx.release,

    storeLocation: async () => (await ctx.store()).where,
  };
}
