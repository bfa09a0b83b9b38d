// Which documents a setting is evaluated on, shared by every provider (replay included) and the engine.
import type { Release } from '../release/release.js';
import type { Shot } from '../release/shots.js';
import type { Document, Task } from './types.js';

/** The documents a shot is evaluated on: one-shot leaves out the template's own example. */
export function evaluationDocuments(task: Task, release: Release, shot: Shot): Document<unknown>[] {
  const docs = task.loadDocuments(release) as Document<unknown>[];
  return shot === 'one' ? docs.filter((d) => !task.oneShotExamples.includes(d.id)) : docs;
}
