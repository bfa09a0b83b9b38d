// Named placeholders of task-file prompts: `{{question}}`, and in one-shot prompts `{{example.question}}`,
// `{{example.gold}}`. A placeholder's name is read as a column's (nameAsRead: `{{ｎｏｔｅ}}` is `{{note}}`).
import { nameAsRead } from '../../release/files.js';
import { cellNamed } from './columns.js';

const PLACEHOLDER = /\{\{\s*([\p{L}\p{N}_.-]+)\s*\}\}/gu;

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => nameAsRead(m[1])))];
}

/** The template with each `{{name}}` replaced by `values[name]`; a name without a value is left as written. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(
    PLACEHOLDER,
    (whole, name: string) => (cellNamed(values, nameAsRead(name)) as string | undefined) ?? whole,
  );
}
