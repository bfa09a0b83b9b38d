import type { Document, Shot, Task } from './types.js';
import type { Release } from '../release/release.js';

/**
 * Fills a released template. Only the task's own placeholders are replaced: the templates also show
 * tags such as `<d>` or `<e1>` that must stay as written.
 */
export function fillTemplate(template: string, fields: Record<string, string>): string {
  let out = template;
  for (const [name, value] of Object.entries(fields)) out = out.split(`<${name}>`).join(value);
  return out;
}

/** The prompt of `doc`: the task's own templates (task files), else the release's template of its folder. */
export function buildPrompt(release: Release, task: Task, doc: Document<unknown>, shot: Shot): string {
  return task.prompt ? task.prompt(doc, shot) : fillTemplate(release.template(task.folder, shot), doc.fields);
}

/** CSV cells of the release that store line breaks as the two characters `\n` (MR, DC-ADE). */
export function unescapeNewlines(text: string): string {
  return text.replace(/\\n/g, '\n');
}

/** Ids are compared in NFC: one HS-PN id is stored decomposed in a generation file. */
export function normalizeId(id: unknown): string {
  return String(id ?? '').normalize('NFC');
}
