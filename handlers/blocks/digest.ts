// A schedule's digest: every model × setting score, its change since the last digest, regressions flagged.
import { signedPct } from '../../src/base/format.js';
import { COVERAGE_LEGEND, showScore } from '../../src/leaderboard/coverage.js';
import { summarizeProvenance } from '../../src/evaluation/provenance.js';
import type { Digest } from '../../src/services/index.js';
import type { Message } from './run.js';
import { aboutBlocks } from './tables.js';
import { privateNote } from './private-note.js';
import { context, message, pct, section } from './text.js';

export function digestMessage(d: Digest): Message {
  const models = [...new Set(d.rows.map((r) => r.model))];
  const regressions = d.rows.filter((r) => r.regression);
  const lines = models.map((model) => {
    const cells = d.rows
      .filter((r) => r.model === model)
      .map((r) => {
        if (r.score === null) return `${r.task} –`;
        const change = r.change === null ? '' : ` (${signedPct(r.change)})`;
        const ci = r.interval ? ` [${pct(r.interval.low)}–${pct(r.interval.high)}]` : '';
        return `${r.regression ? ':warning: ' : ''}${r.task} *${showScore(r.score, r.coverage ?? undefined)}*${ci}${change}`;
      });
    const runs = [...new Set(d.rows.filter((r) => r.model === model && r.run).map((r) => r.run))];
    const about = summarizeProvenance(d.rows.filter((r) => r.model === model));
    return `*${model}* — ${cells.join(' · ')}\n_runs: ${runs.map((r) => `\`${r}\``).join(', ') || 'none'}_${about ? `\n_${about}_` : ''}`;
  });
  return message(`Digest ${d.schedule}: ${regressions.length} regression(s), ${d.failedRuns.length} failed run(s)`, [
    section(
      `*Digest: ${d.schedule}* (${d.shot}-shot, ×100, CCA on the ${d.labels} labels; change since ${d.since ? d.since.slice(0, 16).replace('T', ' ') : 'the first digest'}${d.previousLabels && d.previousLabels !== d.labels ? `, CCA's on the ${d.previousLabels} labels as that digest was` : ''})`,
    ),
    ...lines.map(section),
    ...(regressions.length
      ? [
          section(
            `:warning: *Regressions*: ${regressions.map((r) => `${r.model} ${r.task} ${pct(-r.change!)} down`).join(', ')}`,
          ),
        ]
      : []),
    ...(d.failedRuns.length
      ? [
          section(
            `:x: *Failed runs*: ${d.failedRuns.map((f) => `\`${f.run}\` (${f.model}, ${f.status}${f.failed ? `, ${f.failed} documents failed` : ''})`).join(', ')}`,
          ),
        ]
      : []),
    ...aboutBlocks(d.rows),
    ...privateNote(d.rows),
    context(`${COVERAGE_LEGEND}. \`/jcb digest\` posts one now; \`/jcb status <run>\` for a run.`),
  ]);
}
