// Gold against output in the terminal: the marks Slack shows (src/base/format.ts MARKS), as plain text.
import { MARKS, MARKS_LEGEND, metricsText, pct } from '../base/format.js';
import type { RunResult } from '../services/index.js';
import type { Comparison, MarkedText } from '../tasks/types.js';

const line = (items: readonly MarkedText[]) =>
  items.map((i) => `${i.mark ? MARKS[i.mark] : ''}${i.text === '' ? '(empty item)' : i.text}`).join('  ');
const inline = (pieces: readonly MarkedText[]) =>
  pieces.map((p) => (p.mark ? `${MARKS[p.mark]}[${p.text}]` : p.text)).join('');

/** Lines marking list items and entities matched, missed or extra; undefined for texts and labels. */
export function renderMarks(c: Comparison): string | undefined {
  if (c.kind === 'items') {
    const marked = (mark: 'matched' | 'missed' | 'extra', xs: string[]) => xs.map((text) => ({ text, mark }));
    return [
      `Gold:    ${line([...marked('matched', c.matched), ...marked('missed', c.missed)]) || '(none)'}`,
      `Output:  ${line([...marked('matched', c.matched), ...marked('extra', c.extra)]) || '(none)'}`,
      MARKS_LEGEND,
    ].join('\n');
  }
  if (c.kind === 'entities') {
    const moved = c.sameText ? '' : ' (the model changed the sentence: spans are compared by position)';
    return [`Gold:    ${inline(c.sentence)}`, `Output:  ${inline(c.output)}${moved}`, MARKS_LEGEND].join('\n');
  }
  return undefined;
}

/**
 * A document's numbers, the headline once. A span-F1 sentence with nothing to find and nothing found (the
 * release's NER, spec/benchmark.md: micro F1 over summed counts) adds nothing to a score: shown as `–`, not 0.
 */
export function scoresLine(r: RunResult): string {
  const m = r.metrics as Record<string, unknown>;
  if ('total_tp' in m && m.total_tp === 0 && m.total_fp === 0 && m.total_fn === 0)
    return `${r.task.metric} – (no entity in the gold nor in the output: the release sums counts over sentences, so this one adds nothing)`;
  const shown = metricsText(r.metrics);
  return shown.startsWith(`${r.task.metric} `) ? shown : `${r.task.metric} ${pct(r.score)}   ${shown}`;
}
