// The audit rows as plain-text tables (jcb audit, /jcb audit): no text, only what was sent or seen where.
import { table } from '../base/table.js';
import type { AccessView, PrivateAccess } from '../policy/access-audit.js';
import type { AuditRow } from './free-text.js';

/** Both audits, as `jcb audit` and `/jcb audit` show them: the free text sent, then the private tasks' views. */
export function renderAuditReport(report: {
  freeText: AuditRow[];
  privateAccess: (PrivateAccess & { at: string; view: AccessView })[];
}): string {
  const access = report.privateAccess.length
    ? table(
        ['time', 'user', 'act', 'task', 'model', 'where', 'view'],
        report.privateAccess.map((a) => [a.at.slice(0, 19).replace('T', ' '), a.user, a.act, a.task, a.model ?? '–', a.place, a.view]),
      )
    : 'no access yet.';
  return `${renderAudit(report.freeText)}\n\nPrivate tasks' data (who, what, where):\n${access}`;
}

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
