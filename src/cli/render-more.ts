// Terminal views of `data check`, `doctor`, and stored runs as plain JSON values.
import type { DataCheck } from '../evaluation/release-check.js';
import type { DoctorItem } from '../services/doctor.js';
import type { Run } from '../store/store.js';
import { renderCheck } from './render.js';
import { table, terminalWidth, wrap } from '../base/table.js';

export function renderDataCheck(c: DataCheck): string {
  const files = `${c.root}: ${c.files.files} files in the manifest, ${c.files.missing.length} missing, ${c.files.altered.length} altered`;
  const listed = [...c.files.missing.map((p) => `  missing  ${p}`), ...c.files.altered.map((p) => `  altered  ${p}`)];
  return [
    files,
    ...listed.slice(0, 20),
    ...(listed.length > 20 ? [`  ... and ${listed.length - 20} more`] : []),
    ...(c.tasks.length ? ['', renderCheck(c.tasks)] : []),
    '',
    c.verdict,
  ].join('\n');
}

/** One block per thing: whether it works, its name and place, then the detail wrapped under it. */
export function renderDoctor(items: DoctorItem[]): string {
  const width = terminalWidth();
  return items
    .map((i) =>
      [`${i.ok ? 'ok' : 'NO'}  ${i.what}: ${i.where}`, ...wrap(i.detail, width - 4).map((l) => `    ${l}`)].join('\n'),
    )
    .join('\n');
}

/** A stored run with its JSON columns (tasks, engine, assumptions) as JSON values, not strings holding JSON. */
export function plainRun(run: Run) {
  return {
    ...run,
    tasks: JSON.parse(run.tasks) as string[],
    engine: JSON.parse(run.engine) as unknown,
    assumptions: run.assumptions ? (JSON.parse(run.assumptions) as unknown) : null,
  };
}

/** A summary or progress report whose run is shown as JSON values (`runs`, `show`, `status` --json). */
export const runJson = <T extends { run: Run }>(r: T) => ({ ...r, run: plainRun(r.run) });

/** `jcb tasks`: one row a task with its source and licence; the task files left out, one line each, below. */
export function renderTasks(
  tasks: readonly { id: string; label: string; metric: string; title: string; source: string; licence: string | null; nonCommercial: boolean }[],
  problems: readonly string[],
): string {
  const rows = tasks.map((t) => [
    t.id,
    t.label,
    t.metric,
    t.title,
    t.source,
    t.licence ? `${t.licence}${t.nonCommercial ? ' (non-commercial)' : ''}` : '',
  ]);
  // Narrow screens lose the label first (the id names the task), then the source; the licence stays.
  const body = table(['id', 'label', 'metric', 'title', 'source', 'licence'], rows, { priority: [6, 2, 5, 4, 3, 5] });
  // A problem names a file by its path and says what would be right: wrapped to the screen, never cut.
  const width = terminalWidth();
  const lines = problems.flatMap((p) => wrap(p, width - 2).map((l, i) => (i ? `  ${l}` : l)));
  return problems.length ? `${body}\n\nLeft out (fix, then \`jcb tasks check <file>\`):\n${lines.join('\n')}` : body;
}
