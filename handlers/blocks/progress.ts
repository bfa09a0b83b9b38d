// A queued run's progress message (updated in place) and its final scores (in the thread).
import type { RunProgress } from '../../src/services.js';
import type { Message } from './run.js';
import { duration, pct, progressBar, signedPct } from '../../src/format.js';
import { context, message, section } from './text.js';

/** Statuses after which a run does no more work. */
export const ENDED = new Set(['finished', 'cancelled', 'interrupted']);

export function progressMessage(p: RunProgress): Message {
  const planned = p.planned ?? p.done + p.failed;
  const tasks = (JSON.parse(p.run.tasks) as string[]).join(', ');
  const state = ENDED.has(p.run.status)
    ? p.run.status
    : `${duration(p.elapsedMs)} so far${p.etaMs !== undefined ? `, about ${duration(p.etaMs)} left` : ''}`;
  const text = `Evaluation ${p.run.id}: ${p.run.model} on ${tasks}, ${p.done + p.failed}/${planned} (${state})`;
  return message(text, [
    section(`*Evaluation* \`${p.run.id}\` — *${p.run.model}* on ${tasks}, ${p.run.shot}-shot`),
    section(
      `\`${progressBar(p.done, p.failed, planned, { done: '█', failed: '▒', left: '░' })}\` ${p.done + p.failed}/${planned} · ${p.failed} failed · ${state}`,
    ),
    // An ended run can no longer be cancelled: only its status is offered.
    context(
      ENDED.has(p.run.status)
        ? `\`/jcb status ${p.run.id}\``
        : `\`/jcb status ${p.run.id}\` · \`/jcb cancel ${p.run.id}\``,
    ),
  ]);
}

export function finalScoresMessage(p: RunProgress): Message {
  const lines = p.scores.map((s) => {
    const before = p.previous[s.task];
    const change = before === undefined ? '' : ` (${signedPct(s.score - before)} since the previous run)`;
    return `*${s.task}* ${pct(s.score)}${change} — ${s.n} scored, ${s.failed} failed, ${s.parseFailures} unreadable`;
  });
  return message(`Final scores of ${p.run.id}: ${p.scores.map((s) => `${s.task} ${pct(s.score)}`).join(', ')}`, [
    section(`*Final scores* of \`${p.run.id}\` (${p.run.model}, ${p.run.shot}-shot)`),
    section(lines.join('\n') || '_no scores_'),
  ]);
}
