// The line a declared task carries wherever it is shown: where it comes from and its licence.
import { operatorFixFor, type Face } from '../../base/shown.js';
import type { Task } from '../types.js';

/**
 * `pack jmed-llm · CC BY-NC-SA 4.0 (non-commercial) · JMED-LLM (…)`, or undefined for a built-in setting.
 * Shown under runs, in Slack threads and as a column or caption of written files.
 */
export function aboutTask(task: Task): string | undefined {
  const o = task.origin;
  if (!o) return undefined;
  const licence = o.licence ? `${o.licence}${o.nonCommercial ? ' (non-commercial)' : ''}` : 'licence not given';
  return [o.private ? 'private data' : undefined, o.source, licence, o.credit, o.excluded].filter(Boolean).join(' · ');
}

/**
 * The distinct `task: about` lines of the declared tasks among `items` (built-in ones carry none), for notes and
 * captions, as `face` shows them: an about may hold an operator's fix (UNLOADED_NOTE), which Slack does not name.
 */
export function aboutLines(items: readonly { id?: string; task?: string; about?: string }[], face: Face): string[] {
  return [...new Set(items.flatMap((i) => (i.about ? [operatorFixFor(`${i.id ?? i.task}: ${i.about}`, face)] : [])))];
}
