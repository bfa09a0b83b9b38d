// The data behind everything: the release (pull, check) and where runs are stored.
import { doctor } from './doctor.js';
import { checkData } from '../evaluation/release-check.js';
import { releaseLocation } from '../release/locate.js';
import { pullRelease } from '../release/pull.js';
import { pullPack } from '../release/packs.js';
import type { ServiceContext } from './context.js';

export function dataServices(ctx: ServiceContext) {
  return {
    /** The release against its manifest, what it holds per setting and model, and what does not fit. */
    checkData: () => checkData(ctx.env),

    /** Fetches the release (see release/pull.ts), passing git's progress to `progress`. */
    pullData: (dir?: string, progress?: (text: string) => void) => pullRelease(dir, ctx.env, progress),

    /** Fetches a pack (`jmed-llm`, `igakuqa119`) at its pinned commit (see release/packs.ts). */
    pullPack: (name: string, dir?: string, progress?: (text: string) => void) => pullPack(name, dir, ctx.env, progress),

    /** Where the release is looked for (JCB_DATA_DIR, else the per-user folder). */
    releaseFolder: () => releaseLocation(ctx.env).dir,

    /** Where the release, store, model registry and Redis are, and whether each works. */
    doctor: () => doctor(ctx.env, () => ctx.store().then((s) => s.where)),

    release: ctx.release,

    storeLocation: async () => (await ctx.store()).where,
  };
}
