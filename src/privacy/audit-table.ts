// The audit rows as a plain-text table (jcb audit, /jcb audit): no text, only what was sent where.
import { table } from '../base/table.js';
import type { AuditRow } from './free-text.js';

export function renderAudit(rows: AuditRow[]): string {
  if (rows.length === 0) return 'No free text has been sent to a model.';
  return table(
    ['time', 'user', 'origin', 'model', 'policy', 'applied', 'findings', 'length', 'sha256'],
    rows.map((r) => [
      r.at.slice(0, 19).replace('T', ' '),
      r.user,
      r.origin,
      r.model,
      r.dataPolicy,
      r.applied,
      Object.entries(r.findings)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || '–',
      String(r.length),
      r.sha256.slice(0, 12),
    ]),
  );
}
