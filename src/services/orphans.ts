// Foreground runs whose process is gone without saying so (kill -9, the OOM killer, a reboot...): every reader of runs
// (status, runs, show, the bot's status, digests) stops them as interrupted first, with the line that resumes them.
import { resumeCommand } from '../command/resume.js';
import { goneReason, goneStopped, ownerGone, ownerNumber } from '../evaluation/owner.js';
import type { Run } from '../store/store.js';
import type { Shot } from '../tasks/types.js';
import { taskSpec, type ServiceContext } from './context.js';

/** "its process ended without finishing (on HOST, pid N) — resume with jcb eval TASK MODEL ... --run ID" */
export function goneLine(run: Run): string {
  const cmd = {
    task: taskSpec(JSON.parse(run.tasks) as string[]),
    model: run.model,
    shot: run.shot as Shot,
    limit: run.doc_limit ?? undefined,
    documents: run.document_set === 'all' ? ('all' as const) : undefined,
  };
  return `${goneReason(run)} — resume with ${resumeCommand(cmd, run.id)}`;
}

/**
 * Stops as `interrupted` each running foreground run whose process is gone (owner.ts ownerGone; another host's after
 * JCB_ORPHAN_AFTER_MS without a heartbeat), its reason the goneLine; a run that beat or was taken over meanwhile is not
 * touched (Store.stopOrphan compares). A read-only store is left as it is.
 */
export async function settleOrphans(ctx: ServiceContext): Promise<void> {
  const store = await ctx.store();
  if (store.readOnly) return;
  const staleMs = ownerNumber(ctx.env, 'JCB_ORPHAN_AFTER_MS');
  for (const run of await store.ownedRuns()) if (ownerGone(run, staleMs)) await store.stopOrphan(run, goneLine(run));
}

/** The latest `limit` stored runs, newest first, those whose process is gone stopped first. */
export async function latestRuns(ctx: ServiceContext, limit?: number): Promise<Run[]> {
  await settleOrphans(ctx);
  return (await ctx.store()).listRuns(limit);
}

/** Statuses of runs under way: what `status` lists unless asked for all. */
const UNDER_WAY = new Set(['queued', 'running', 'aggregating']);

/**
 * The runs `status` chooses from, newest first: among the latest 20, those under way and those whose process is gone
 * (stopped, to be resumed); with `all`, all 20.
 */
export async function statusRuns(ctx: ServiceContext, all = false): Promise<Run[]> {
  return (await latestRuns(ctx, 20)).filter((r) => all || UNDER_WAY.has(r.status) || goneStopped(r));
}
