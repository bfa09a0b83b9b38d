// The audit of people's own text sent to models (issue 14): hashes, lengths and counts, never the text.
import { auditRows } from '../privacy/free-text.js';
import type { ServiceContext } from './context.js';

export function auditServices(ctx: ServiceContext) {
  return {
    /** Who sent free text to which model, newest first (at most `limit` rows). */
    audit: async (limit = 100) => auditRows(await ctx.store(), limit),
  };
}
