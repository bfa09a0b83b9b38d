// Generation rows checked before they are scored: a row that lacks a field its task reads is named,
// rather than scored as if the field were empty (`{"a":1}` once scored 100).
import { UserError } from '../base/errors.js';
import type { Row } from '../release/files.js';
import type { Task } from '../tasks/types.js';

/**
 * Fields a task reads only when present (it falls back to another), measured on every released file:
 * HS-DS rows carry `id` or `doctor_id`/`ds_id`; NER rows carry `text` or `annotated_sentence`.
 */
const OPTIONAL: Record<string, string[]> = { 'hs-ds': ['id'], 'ner-d': ['text'], 'ner-med': ['text'] };

/** The fields `task.fromGeneration` reads from `row` that `row` lacks. */
function lacking(task: Task, row: Row): string[] {
  const read = new Set<string>();
  const spy = new Proxy(row, {
    get: (target, key) => {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key);
    },
  });
  try {
    task.fromGeneration(spy);
  } catch {
    // Reported below through the fields it lacks, or by the scorer with its own message.
  }
  const optional = OPTIONAL[task.id] ?? [];
  return [...read].filter((k) => !(k in row) && !optional.includes(k) && k !== 'toJSON');
}

/**
 * `rows` unchanged when every one is an object with the fields its task reads; else UserError naming
 * the first bad row and its missing fields, or the empty file. `file` is how the user named the file.
 */
export function validRows(task: Task, rows: Row[], file: string): Row[] {
  if (rows.length === 0)
    throw new UserError(`${file} holds no rows.`, 'Expected a JSON array (or JSON lines) of generations.');
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new UserError(`${file}: row ${i + 1} is not a JSON object.`);
    const missing = lacking(task, row);
    if (missing.length)
      throw new UserError(
        `${file}: row ${i + 1} lacks ${missing.map((k) => `"${k}"`).join(', ')}, which ${task.label} rows carry.`,
      );
  });
  const bad = task.checkGenerations?.(rows, file)[0];
  if (bad) throw new UserError(`${bad.key}: ${bad.message}.`);
  return rows;
}
