// Schedules (data/schedules.yml): evaluations queued when they fire, and their digests.
import type Queue from 'bull';
import { UserError } from '../base/errors.js';
import { operatorFixFor } from '../base/shown.js';
import { filesStamp } from '../base/stamp.js';
import { knownTask, UNLOADED_NOTE } from '../evaluation/documents.js';
import { coverageOf, scoreOrNull, standingRuns, type Coverage } from '../leaderboard/coverage.js';
import { provenanceOf, type Provenance } from '../evaluation/provenance.js';
import { scoreInterval, type Interval } from '../metrics/bootstrap.js';
import { ensureReachable, openRedisCheck, scheduleTimersIn } from '../queue/eval-queue.js';
import {
  claimFire,
  installSchedules,
  loadSchedules,
  schedulesPath,
  type FireOptions,
  type Schedule,
  type ScheduleJob,
} from '../queue/schedules.js';
import type { Store } from '../store/store.js';
import { aboutTask } from '../tasks/task-file/about.js';
import { isPrivate } from '../policy/data-policy.js';
import type { Shot } from '../tasks/types.js';
import { TASKS } from '../../tasks/index.js';
import { enqueue } from './background.js';
import type { ServiceContext } from './context.js';
import { DEFAULT_LABELS, labelVersionOf, type LabelVersion } from '../release/views.js';
import type { Metrics } from '../tasks/types.js';
import { scoreUnder } from './labels.js';
import { settleOrphans } from './orphans.js';
import { shownStatus } from '../evaluation/owner.js';

export interface DigestRow {
  model: string;
  task: string;
  score: number | null;
  /** The score the last digest reported. */
  previous: number | null;
  /**
   * The change since the last digest, like with like: for CCA, when the last digest was computed under other
   * labels, the run's score under those labels minus the last digest's (labels alone make no change).
   */
  change: number | null;
  regression: boolean;
  run: string | null;
  /** 95 % bootstrap interval of the score. */
  interval: Interval | null;
  coverage: Coverage | null;
  /** Labels, document set and release commit of the score (null without one). */
  provenance?: Provenance | null;
  /** A declared task's source and licence (aboutTask). */
  about?: string;
  /** The task is private (src/policy/data-policy.ts): Slack says where its text is. */
  private?: boolean;
}

export interface Digest {
  schedule: string;
  channel: string;
  shot: Shot;
  since: string | null;
  /** CCA's gold version the scores are computed under; `previousLabels`: the last digest's. */
  labels: LabelVersion;
  previousLabels: LabelVersion | null;
  rows: DigestRow[];
  /** Runs since the last digest that did not end well: cancelled, interrupted, or with failed documents. */
  failedRuns: { run: string; model: string; status: string; failed: number }[];
}

/**
 * One schedule's digest, recorded as the last one (unless `record` is false: the bot records it once posted,
 * recordDigest) so that the next reports the change since.
 */
async function digestOf(
  ctx: ServiceContext,
  s: Store,
  sc: Schedule,
  scores: Awaited<ReturnType<Store['scores']>>,
  labels: LabelVersion,
  record: boolean,
): Promise<Digest> {
  const tasks = sc.tasks === 'all' ? TASKS.map((t) => t.id) : sc.tasks;
  type Latest = (typeof scores)[number];
  // The board's rule (standingRuns): a --limit run stands, marked ‡, until a full one is stored.
  const latest = standingRuns(scores.filter((r) => r.shot === sc.shot && sc.models.includes(r.model)));
  const last = await s.lastDigest(sc.name);
  const before = last ? (JSON.parse(last.scores) as Record<string, Record<string, number>>) : {};
  // Digests made before label versions were kept were computed on data.csv (the migration says `reviewed`).
  const previousLabels = last ? (labelVersionOf(last.label_version) ?? 'reviewed') : null;
  const under = (r: Latest, v: LabelVersion) =>
    scoreUnder(
      ctx,
      { id: r.run_id, label_version: r.label_version },
      r.task,
      { score: r.score, metrics: JSON.parse(r.metrics) as Metrics },
      v,
    );
  const rows = await Promise.all(
    sc.models.flatMap((model) =>
      tasks.map(async (task): Promise<DigestRow> => {
        const r = latest.get(`${model}\u0000${task}`);
        const now = r ? await under(r, labels) : undefined;
        const score = r && now ? scoreOrNull(now.score, coverageOf(r)) : null;
        const previous = before[model]?.[task] ?? null;
        // Like with like: the last digest's number against this run's score under the labels it was computed on.
        const comparable =
          r && now?.labels && previousLabels && previousLabels !== labels
            ? scoreOrNull((await under(r, previousLabels)).score, coverageOf(r))
            : score;
        // A --limit number is not compared with a full one (nor kept as the next digest's "before").
        const change = comparable !== null && previous !== null && r?.doc_limit === null ? comparable - previous : null;
        const known = knownTask(task);
        const about = known ? aboutTask(known) : UNLOADED_NOTE;
        return {
          ...(about ? { about } : {}),
          ...(known && isPrivate(known) ? { private: true } : {}),
          model,
          task,
          score,
          previous,
          change,
          regression: change !== null && -change > sc.regression,
          run: r?.run_id ?? null,
          interval: score !== null && now && known ? scoreInterval(known, now.documents) : null,
          coverage: r ? coverageOf(r) : null,
          provenance: r ? provenanceOf({ ...r, label_version: now?.labels ?? null }, task, r.n + r.failed) : null,
        };
      }),
    ),
  );
  const failedRuns = [];
  for (const run of await s.runsSince(sc.models, last?.posted_at ?? '')) {
    const { failed } = await s.progress(run.id);
    if (run.status === 'cancelled' || run.status === 'interrupted' || failed > 0) {
      failedRuns.push({ run: run.id, model: run.model, status: shownStatus(run), failed });
    }
  }
  if (record) await saveDigest(s, sc.name, rows, labels);
  const since = last?.posted_at ?? null;
  return { schedule: sc.name, channel: sc.channel, shot: sc.shot, since, labels, previousLabels, rows, failedRuns };
}

/** Keeps a digest's full-run scores as the last digest of `schedule` (a --limit number is no next "before"). */
async function saveDigest(s: Store, schedule: string, rows: readonly DigestRow[], labels: LabelVersion): Promise<void> {
  const reported: Record<string, Record<string, number>> = {};
  for (const r of rows)
    if (r.score !== null && r.coverage?.limit === null) (reported[r.model] ??= {})[r.task] = r.score;
  await s.saveDigest(schedule, JSON.stringify(reported), labels);
}

export function scheduleServices(ctx: ServiceContext) {
  return {
    schedules: () => loadSchedules(ctx.env),

    /**
     * A schedule's digest now: the latest scores of its models and settings, with the change since the last
     * digest; recorded as the last one, unless `record: false` (a post that may wait: recordDigest once posted).
     */
    async digest(
      name?: string,
      labels: LabelVersion = DEFAULT_LABELS,
      opts: { record?: boolean } = {},
    ): Promise<Digest[]> {
      const all = loadSchedules(ctx.env);
      const chosen = name ? all.filter((s) => s.name === name) : all;
      if (name && chosen.length === 0) {
        const names = all.map((s) => s.name).join(', ');
        // The file is the operator's: named in a terminal only.
        throw new UserError(
          `No schedule "${name}".`,
          `Schedules: ${names || '(none)'}.`,
          names ? undefined : { hint: 'Schedules: (none in data/schedules.yml).' },
        );
      }
      await settleOrphans(ctx); // its failed runs include those whose process is gone
      const s = await ctx.store();
      const scores = await s.scores();
      return Promise.all(chosen.map((sc) => digestOf(ctx, s, sc, scores, labels, opts.record ?? true)));
    },

    /** Records a digest made with `record: false` as its schedule's last one, once it has been posted. */
    async recordDigest(d: Digest): Promise<void> {
      await saveDigest(await ctx.store(), d.schedule, d.rows, d.labels);
    },

    /**
     * Installs the schedules as repeatable jobs and runs them when they fire: each fire queues the
     * schedule's evaluations and hands their run ids to `onFire` (the bot watches them for the digest). The
     * file is looked at again every `checkMs` (a stat): a schedule added, removed or re-timed is installed
     * without a restart, and `onChange` told in one line (or why the changed file was not installed: the
     * timers then stay as they were).
     */
    async startScheduler(
      onFire: (schedule: string, runIds: string[]) => Promise<void>,
      onChange: (line: string) => void = () => {},
      checkMs = 60_000,
    ): Promise<{ added: number; removed: number }> {
      let queue: Queue.Queue | undefined;
      const opened = async () => {
        if (queue) return queue;
        const q = await ctx.scheduleQueue();
        await ensureReachable(q, ctx.env);
        q.process('schedule', 1, async (job) => {
          const sc = loadSchedules(ctx.env).find((x) => x.name === (job.data as ScheduleJob).schedule);
          // Each slot once, from the current timer only, whatever Bull or other bots fire.
          if (!sc || !(await claimFire(q, sc, job.opts as FireOptions))) return;
          const runIds: string[] = [];
          for (const model of sc.models) {
            const task = sc.tasks === 'all' ? 'all' : sc.tasks.join(',');
            runIds.push((await enqueue(ctx, { task, model, shot: sc.shot })).run.id);
          }
          await onFire(sc.name, runIds);
        }).catch(() => {});
        return (queue = q);
      };
      const install = async (schedules: Schedule[]) => {
        // No schedule wanted and no timer left of an earlier file: the queue (and Bull) waits for the first one.
        if (!queue && schedules.length === 0 && (await timersLeft()) === 0) return { added: 0, removed: 0 };
        return installSchedules(await opened(), schedules);
      };
      const timersLeft = async () => {
        const redis = openRedisCheck(ctx.env);
        try {
          await ensureReachable(redis, ctx.env);
          return await scheduleTimersIn(redis, ctx.env, await (await ctx.store()).id());
        } finally {
          redis.close();
        }
      };
      const file = schedulesPath(ctx.env);
      let stamp = filesStamp([file]);
      const installed = await install(loadSchedules(ctx.env));
      let checking = false;
      const check = setInterval(() => {
        if (checking || filesStamp([file]) === stamp) return;
        checking = true;
        stamp = filesStamp([file]);
        Promise.resolve()
          .then(() => install(loadSchedules(ctx.env)))
          .then(
            (r) => onChange(`${file} changed: ${r.added} schedule timers added, ${r.removed} removed.`),
            (err: Error) =>
              onChange(
                `${file} changed but was not installed (the timers stay as they were): ${operatorFixFor(err.message, 'terminal')}`,
              ),
          )
          .finally(() => (checking = false));
      }, checkMs);
      check.unref();
      ctx.onClose(() => clearInterval(check));
      return installed;
    },
  };
}
