// A full evaluation in this process, stored document by document; resumable with the run id.
import type { Command } from '../command/grammar.js';
import { evaluate, type EvalResult, type Progress } from '../evaluation/engine.js';
import { dryRun, withBudget } from '../evaluation/budget.js';
import { noRequests } from '../evaluation/cost.js';
import { redactCredentials } from '../base/shown.js';
import { planDocuments } from '../evaluation/plan.js';
import { releaseCommitOf } from '../evaluation/provenance.js';
import { dataPolicyOf, findModel, liveModel } from '../models/registry.js';
import { ReplayModel } from '../models/replay.js';
import { requireLabelled } from '../evaluation/labels.js';
import { requireMayReceive } from '../policy/data-policy.js';
import { allTasks } from '../../tasks/index.js';
import { setsDiffer, type DocumentSet } from '../tasks/documents.js';
import { tasksToResume, type ServiceContext } from './context.js';

/** What an evaluation needs: the `eval` command of the grammar, without how its result is shown. */
export type EvalCommand = Pick<
  Extract<Command, { kind: 'eval' }>,
  'task' | 'model' | 'shot' | 'limit' | 'documents' | 'concurrency' | 'runId' | 'maxCost' | 'labels'
> & {
  noCache?: boolean;
  /** The run's owner: a Slack user id, or `terminal`. */
  startedBy?: string;
};

export function evaluateServices(ctx: ServiceContext) {
  return {
    /** A full evaluation, stored document by document; resumable with the run id. */
    async evaluate(
      cmd: EvalCommand,
      onProgress?: (p: Progress) => void,
      signal?: AbortSignal,
      /** Told once, of the first prompt a server cut (with the setting to change). */
      onNotice?: (line: string) => void,
    ): Promise<EvalResult & { spentUsd?: number }> {
      const tasks = await tasksToResume(ctx, cmd.task, cmd.runId);
      requireLabelled(tasks, cmd.labels, allTasks);
      const found = findModel(cmd.model, ctx.env);
      requireMayReceive(tasks, found);
      const provider = ctx.providerOf(found);
      if (provider instanceof ReplayModel) {
        const missing = tasks.filter((t) => !provider.file(t, cmd.shot));
        if (missing.length === tasks.length) provider.requireGenerations(tasks[0], cmd.shot, allTasks());
      }
      // --max-cost: the provider counts what its answers cost, and the run stops once that is spent.
      const budget = cmd.maxCost === undefined ? undefined : withBudget(provider, cmd.maxCost);
      const result = await evaluate(
        {
          tasks,
          shot: cmd.shot,
          limit: cmd.limit,
          documents: cmd.documents,
          releaseCommit: releaseCommitOf(tasks, ctx.env),
          concurrency: cmd.concurrency,
          runId: cmd.runId,
          noCache: cmd.noCache,
          startedBy: cmd.startedBy,
          stopIf: budget?.reached,
          labels: cmd.labels,
        },
        {
          store: await ctx.store(),
          provider: budget?.provider ?? provider,
          release: ctx.release(tasks),
          scoring: ctx.scoring,
          onProgress,
          onNotice,
          signal,
          env: ctx.env,
        },
      );
      const spentUsd = budget?.spentUsd();
      // What `eval --json` and `-o` write: the engine's baseUrl masked as `show` masks it (a run stored before
      // the registry refused credentials and query strings in it may hold a key).
      const run = { ...result.run, engine: redactCredentials(result.run.engine) };
      return { ...result, run, ...(spentUsd !== undefined && { spentUsd }) };
    },

    /**
     * What `eval` would send and cost (`--dry-run`), making no call; with where the model runs
     * (`dataPolicy`: an external provider bills its tokens, an on-premises server does not).
     */
    async estimate(cmd: EvalCommand) {
      const found = findModel(cmd.model, ctx.env);
      const tasks = await tasksToResume(ctx, cmd.task, cmd.runId);
      requireLabelled(tasks, cmd.labels, allTasks);
      requireMayReceive(tasks, found);
      const documentSet = cmd.documents ?? 'paper';
      const head = { model: found.alias, task: cmd.task, shot: cmd.shot, dataPolicy: dataPolicyOf(found), documentSet };
      if (found.provider === 'replay') {
        const plan = planDocuments(
          { tasks, shot: cmd.shot, limit: cmd.limit, labels: cmd.labels },
          ctx.providerOf(found),
          ctx.release(tasks),
        );
        return { ...head, offline: found.provider, ...noRequests(plan.length), other: undefined };
      }
      // Each document set the model could be run on: the chosen one, then the other where they differ.
      const sets: DocumentSet[] = tasks.some(setsDiffer)
        ? [documentSet, documentSet === 'paper' ? 'all' : 'paper']
        : [documentSet];
      const estimates = [];
      for (const documents of sets) {
        const request = { tasks, shot: cmd.shot, limit: cmd.limit, documents, labels: cmd.labels };
        if (found.provider === 'baseline') {
          estimates.push(noRequests(planDocuments(request, ctx.providerOf(found), ctx.release(tasks)).length));
          continue;
        }
        // A live model's plan needs no provider, so a dry run needs no API key.
        const plan = planDocuments(request, {}, ctx.release(tasks));
        const deps = { release: ctx.release(tasks), store: await ctx.store(), shot: cmd.shot, runId: cmd.runId };
        estimates.push(await dryRun(liveModel(found), plan, deps));
      }
      const [chosen, other] = estimates;
      return {
        ...head,
        offline: found.provider === 'baseline' ? ('baseline' as const) : undefined,
        ...chosen,
        ...(other && { other: { documentSet: sets[1], ...other } }),
      };
    },
  };
}
