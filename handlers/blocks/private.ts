// A run of a private task in Slack (issue 33): ids, scores and marks only, with a line saying the text is private
// and the terminal command that shows it. Nothing of the document, gold, output or thinking is passed in.
import { metricsText } from '../../src/base/format.js';
import { privateTextLine } from '../../src/policy/data-policy.js';
import type { RunResult } from '../../src/services/index.js';
import type { Comparison } from '../../src/tasks/types.js';
import { runParent, type Message } from './run.js';
import { context, section } from './text.js';

/** Counts of what matched, never the items themselves. */
function marks(c: Comparison, parsed: boolean): string {
  const read = parsed ? 'read' : 'unreadable (scored all the same)';
  if (c.kind === 'items') return `${c.matched.length} ✓ matched · ${c.missed.length} ✗ missed · ${c.extra.length} + extra · ${read}`;
  if (c.kind === 'entities') {
    const count = (xs: { mark?: string }[], m: string) => xs.filter((x) => x.mark === m).length;
    return `${count(c.gold, 'matched')} ✓ matched · ${count(c.gold, 'missed')} ✗ missed · ${count(c.predicted, 'extra')} + extra · ${read}`;
  }
  return read;
}

/** The thread's parent of a private task's run: what ran, its scores and marks, and where to read the text. */
export function privateRun(r: RunResult, models: readonly { alias: string; label: string }[]): Message {
  const parent = runParent(r, models);
  const command = `jcb run ${r.task.id} ${r.model.alias} ${r.document.id} --shot ${r.shot}`;
  return {
    text: parent.text,
    blocks: [
      ...parent.blocks.slice(0, -1),
      section(`*Scores* (×100) — ${metricsText(r.metrics, (n) => `*${n}*`)}\n${marks(r.comparison, r.parse.ok)}`),
      context(`:lock: ${privateTextLine(r.task.id, command)}`),
    ],
  };
}
