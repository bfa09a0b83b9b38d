// The audits (issues 14, 33): people's own text sent to models (hashes, lengths and counts, never the text), and
// every view of a private task's data (who, what, where, never the data).
import { privateAccessRows } from '../policy/access-audit.js';
import { auditRows } from '../privacy/free-text.js';
import type { ServiceContext } from './context.js';

export function auditServices(ctx: ServiceContext) {
  return {
    /**
     * Both audits, newest first, at most `limit` rows each: who sent free text to which model (`freeText`), and
     * who reached which private task's data, where (`privateAccess`). Every face shows both.
     */
    audit: async (limit = 100) => {
      const store = await ctx.store();
      return { freeText: await auditRows(store, limit), privateAccess: await privateAccessRows(store, limit) };
    },
  };
}
