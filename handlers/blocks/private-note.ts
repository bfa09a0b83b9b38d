// The line Slack shows under anything listing a private task's row (boards, digests, comparisons, App Home,
// progress): its text is private, and the terminal command that shows it (issue 33). Rows carry ids and scores
// only; the services mark a private task's row `private: true`.
import type { KnownBlock } from '@slack/types';
import { privateTextLine } from '../../src/policy/data-policy.js';
import { context } from './text.js';

/** The private tasks among `items` (by `task`, else `id`), one line each in one context block; none without any. */
export function privateNote(items: readonly { id?: string; task?: string; private?: boolean }[]): KnownBlock[] {
  const ids = [...new Set(items.flatMap((i) => (i.private ? [i.task ?? i.id ?? ''] : [])))].filter(Boolean);
  const lines = ids.map((id) => `:lock: ${privateTextLine(id, `jcb run ${id} <model> <doc-id>`)}`);
  return lines.length ? [context(lines.join('\n'))] : [];
}
