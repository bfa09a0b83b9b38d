// A queued run's progress message (updated in place) and its final scores (in the thread).
import type { RunProgress } from '../../src/services/index.js';
import type { Message } from './run.js';
import {
  budgetStopped,
  duration,
  estimatedNote,
  markedCost,
  progressBar,
  settledOf,
  signedPct,
  tokenFigures,
} from '../../src/base/format.js';
import { context, message, section } from './text.js';
import { privateNote } from './private-note.js';
import { runCoverage, showScore } from '../../src/leaderboard/coverage.js';
import { summarizeProvenance } from '../../src/evaluation/provenance.js';
import { forPeople } from '../../src/base/shown.js';
import { goneStopped } from '../../src/evaluation/owner.js';
import { asSentenceEnd, everyDocumentFailed, failureCause } from '../../src/evaluation/failure-cause.js';

/** The line under a run of private tasks: their text is private, and where to read it. */
const privateOf = (p: RunProgress) => privateNote((p.privateTasks ?? []).map((task) => ({ task, private: true })));

/** Statuses after which a run does no more work. */
export const ENDED = new Set(['finished', 'cancelled', 'interrupted']);

/** A queued run stopped at its --max-cost: what it spent, and the `/jcb eval` that resumes it. */
function budgetState(p: RunProgress, budget: NonNullable<RunProgress['budget']>): string {
  const limit = p.run.doc_limit ? ` --limit ${p.run.doc_limit}` : '';
  const resume = `\`/jcb eval ${budget.task} ${p.run.model} --shot ${p.run.shot}${limit} --run ${p.run.id}\``;
  return budgetStopped(budget.maxCostUsd, budget.spentUsd, p.done, p.planned, resume);
}

export function progressMessage(p: RunProgress): Message {
  const planned = p.planned ?? p.done + p.failed;
  const tasks = (JSON.parse(p.run.tasks) as string[]).join(', ');
  const state =
    goneStopped(p.run) ??
    (p.run.status === 'interrupted' && p.budget
      ? budgetState(p, p.budget)
      : ENDED.has(p.run.status)
        ? p.run.status
        : p.cause
          ? `${duration(p.elapsedMs)} so far, not moving: ${forPeople(p.cause, 'chat')}`
          : p.stalledSince
            ? `${duration(p.elapsedMs)} so far, stalled since ${p.stalledSince.slice(0, 19).replace('T', ' ')} UTC`
            : `${duration(p.elapsedMs)} so far${p.etaMs !== undefined ? `, about ${duration(p.etaMs)} left` : ''}`);
  const text = `Evaluation ${p.run.id}: ${p.run.model} on ${tasks}, ${settledOf(p.done, p.failed, planned)} (${state})`;
  return message(text, [
    section(`*Evaluation* \`${p.run.id}\` — *${p.run.model}* on ${tasks}, ${p.run.shot}-shot`),
    section(
      `\`${progressBar(p.done, p.failed, planned, { done: '█', failed: '▒', left: '░' })}\` ${settledOf(p.done, p.failed, planned)} · ${p.failed} failed · ${state}`,
    ),
    // An ended run can no longer be cancelled: only its status is offered.
    context(
      ENDED.has(p.run.status)
        ? `\`/jcb status ${p.run.id}\``
        : `\`/jcb status ${p.run.id}\` · \`/jcb cancel ${p.run.id}\``,
    ),
    ...privateOf(p),
  ]);
}

/** The run's scores once finished: `–` for what scored nothing, and the first cause when every document failed. */
export function finalScoresMessage(p: RunProgress): Message {
  const shown = (s: RunProgress['scores'][number]) => showScore(s.score, runCoverage(s, p.run));
  const lines = p.scores.map((s) => {
    const before = p.previous[s.task];
    const change = before === undefined || !s.n ? '' : ` (${signedPct(s.score - before)} since the previous run)`;
    return `*${s.task}* ${shown(s)}${change} — ${s.n} scored, ${s.failed} failed, ${s.parseFailures} unreadable${s.noAnswer ? `, ${s.noAnswer} no answer` : ''}`;
  });
  const failed = everyDocumentFailed(p.scores)
    ? [
        section(
          `:x: *Every document failed*, nothing was scored: ${asSentenceEnd(failureCause(p.firstFailure ?? '', 'chat'))}`,
        ),
      ]
    : [];
  return message(`Final scores of ${p.run.id}: ${p.scores.map((s) => `${s.task} ${shown(s)}`).join(', ')}`, [
    section(`*Final scores* of \`${p.run.id}\` (${p.run.model}, ${p.run.shot}-shot)`),
    ...failed,
    section(lines.join('\n') || '_no scores_'),
    ...usageLine(p.usage),
    // The footer: what the numbers rest on (labels, documents, release commit).
    ...(p.scores.length ? [context(`Provenance: ${summarizeProvenance(p.scores)}`)] : []),
    ...privateOf(p),
  ]);
}

/** Tokens and cost of a live run's calls (nothing for replays and baselines). */
function usageLine(u: RunProgress['usage']) {
  if (!u.input && !u.output) return [];
  const cost = u.costUsd === null ? 'no prices known' : markedCost(u, `$${u.costUsd.toFixed(2)}`);
  return [section(`Tokens: ${tokenFigures(u)} · cost ${cost}${estimatedNote(u)}`)];
}
