// Scheduled evaluations (data/schedules.yml, or JCB_SCHEDULES): validated, and installed as Bull
// repeatable jobs without duplicates when a schedule changes.
import { issueLine } from '../base/issues.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Queue from 'bull';
import { parseYamlText } from '../base/yaml-text.js';
import { z } from 'zod';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { projectRoot } from '../base/project.js';
import { SHOTS } from '../tasks/types.js';

const schedule = z.strictObject({
  /** Five cron fields: minute hour day month weekday. */
  cron: z.string().regex(/^\S+(\s+\S+){4}$/, 'five cron fields, e.g. "0 2 * * *"'),
  tz: z.string().default('UTC'),
  models: z.array(z.string().min(1)).min(1),
  tasks: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]),
  shot: z.enum(SHOTS).default('one'),
  /** Where the digest goes (a Slack channel id or #name). */
  channel: z.string().min(1),
  /** A drop larger than this (0–1) is flagged as a regression. */
  regression: z.number().min(0).max(1).default(0.02),
});

const file = z.strictObject({ schedules: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), schedule).default({}) });

export type Schedule = z.infer<typeof schedule> & { name: string };

/** The schedules file: JCB_SCHEDULES, else jcb's own data/schedules.yml. */
export const schedulesPath = (env: NodeJS.ProcessEnv): string =>
  env.JCB_SCHEDULES || path.join(projectRoot(), 'data', 'schedules.yml');

export function loadSchedules(env: NodeJS.ProcessEnv): Schedule[] {
  const source = schedulesPath(env);
  if (!existsSync(source))
    // Where it should be is the operator's business: named in a terminal only (an admin's `/jcb digest` meets it too).
    throw new UserError('No schedules file on this server', 'Ask whoever runs jcb to restore it.', {
      detail: source,
      hint: 'Point JCB_SCHEDULES at a schedules.yml file, or unset it.',
    });
  const parsed = file.safeParse(parseYamlText(readFileSync(source, 'utf8'), 'The schedules file', source) ?? {});
  if (!parsed.success) {
    throw new UserError(
      `The schedules file is not valid${operatorFix(`: ${source}: ${issueLine(parsed.error.issues[0])}`)}`,
    );
  }
  return Object.entries(parsed.data.schedules).map(([name, s]) => ({ name, ...s }));
}

export interface ScheduleJob {
  schedule: string;
}

/**
 * Makes the queue's repeatable jobs match the schedules: a repeatable is keyed by name, id, cron and
 * time zone, so a changed schedule's old timer is removed, or it would fire twice.
 */
export async function installSchedules(
  queue: Queue.Queue,
  schedules: readonly Schedule[],
): Promise<{ added: number; removed: number }> {
  const existing = await queue.getRepeatableJobs();
  const wanted = new Map(schedules.map((s) => [s.name, s]));
  let removed = 0;
  for (const r of existing.filter((r) => r.name === 'schedule')) {
    const s = wanted.get(r.id ?? '');
    if (!s || s.cron !== r.cron || s.tz !== r.tz) {
      await queue.removeRepeatableByKey(r.key);
      removed++;
    } else wanted.delete(s.name);
  }
  for (const s of wanted.values()) {
    await queue.add('schedule', { schedule: s.name } satisfies ScheduleJob, {
      repeat: { cron: s.cron, tz: s.tz },
      jobId: s.name,
    });
  }
  return { added: wanted.size, removed };
}

/** What Bull records of a repeatable job's fire (job.opts): the time it was due, its cron and zone. */
export interface FireOptions {
  prevMillis?: number;
  timestamp?: number;
  repeat?: { cron?: string; tz?: string };
}

/**
 * The wall-clock minute a fire was due at in the schedule's zone, `YYYY-MM-DD HH:mm`: the same slot
 * whether Bull fires it once or twice (a repeated hour when summer time ends, a clock set back across
 * midnight, duplicated repeatables after a restart), so a digest is queued once per slot.
 */
export function fireSlot(dueMillis: number, tz: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(dueMillis))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * Whether this fire is to be worked: it comes from the schedule's current timer (an old timer left
 * after a change, by a bot with the older file or by Bull, is not), and no process of this store has
 * claimed its slot yet. The claim is a Redis key set only if absent (atomic across bots), kept 3 days.
 */
export async function claimFire(queue: Queue.Queue, s: Schedule, opts: FireOptions): Promise<boolean> {
  if (opts.repeat && (opts.repeat.cron !== s.cron || (opts.repeat.tz ?? 'UTC') !== s.tz)) return false;
  const slot = fireSlot(opts.prevMillis ?? opts.timestamp ?? Date.now(), s.tz);
  // Beside the queue's own keys (its prefix and name, as Bull's toKey makes them).
  const key = `${queue.clientName().replace(/:[^:]*$/, '')}:${queue.name}:fired:${s.name}:${slot}`;
  return (await queue.client.set(key, new Date().toISOString(), 'EX', 3 * 86_400, 'NX')) === 'OK';
}
