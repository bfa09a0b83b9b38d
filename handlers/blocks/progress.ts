// A queued run's progress message (updated in place) and its final scores (in the thread).
import type { RunProgress } from '../../src/services.js';
import type { Message } from './run.js';
import { duration, pct, progressBar, signedPct } from '../../src/format.js';
import { context, section } from './text.js';

export function progressMessage(p: RunProgress): Message {
  const planned = p.planned ?? p.done + p.failed;
  const tasks = (JSON.parse(p.run.tasks) as string[]).join(', ');
  const state =
    p.run.status === 'finished'
      ? 'finished'
      : p.run.status === 'cancelled'
        ? 'cancelled'
        : `${duration(p.elapsedMs)} so far${p.etaMs !== undefined ? `, about ${duration(p.etaMs)} left` : ''}`;
  const text = `Evaluation ${p.run.id}: ${p.run.model} on ${tasks}, ${p.done + p.failed}/${planned} (${state})`;
  return {
    text,
    blocks: [
      section(`*Evaluation* \`${p.run.id}\` — *${p.run.model}* on ${tasks}, ${p.run.shot}-shot`),
      section(
        `\`${progressBar(p.done, p.failed, planned, { done: '█', failed: '▒', left: '░' })}\` ${p.done + p.failed}/${planned} · ${p.failed} failed · ${state}`,
      ),
      context(`\`/jcb status ${p.run.id}\` · \`/jcb cancel ${p.run.id}\``),
    ],
  };
}

export function finalScoresMessage(p: RunProgress): Message {
  const lines = p.scores.map((s) => {
    const before = p.previous[s.task];
    const change = before === undefined ? '' : ` (${signedPct(s.score - before)} since the previous run)`;
    return `*${s.task}* ${pct(s.score)}${change} — ${s.n} scored, ${s.failed} failed, ${s.parseFailures} unreadable`;
  });
  return {
    text: `Final scores of ${p.run.id}: ${p.scores.map((s) => `${s.task} ${pct(s.score)}`).join(', ')}`,
    blocks: [
      section(`*Final scores* of \`${p.run.id}\` (${p.run.model}, ${p.run.shot}-shot)`),
      section(lines.join('\n') || '_no scores_'),
      ...usageLine(p.usage),
    ],
  };
}

/** Tokens and cost of a live run's calls (nothing for replays and baselines). */
function usageLine(u: RunProgress['usage']) {
  if (!u.input && !u.output) return [];
  const n = (x: number) => x.toLocaleString('en-US');
  const cost = u.costUsd === null ? 'no prices in models.yml' : `$${u.costUsd.toFixed(2)}`;
  return [
    section(
      `Tokens: ${n(u.input)} prompt (${n(u.cachedInput)} cached), ${n(u.output)} output (${n(u.reasoning)} reasoning) · cost ${cost}`,
    ),
  ];
}
