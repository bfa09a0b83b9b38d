// A full evaluation in this process, stored document by document; resumable with the run id.
import type { Command } from '../command/grammar.js';
import { evaluate, type EvalResult, type Progress } from '../evaluation/engine.js';
import { findModel } from '../models/registry.js';
import { ReplayModel } from '../models/replay.js';
import { TASKS } from '../../tasks/index.js';
import { tasksOf, type ServiceContext } from './context.js';

/** What an evaluation needs: the `eval` command of the grammar, without how its result is shown. */
export type EvalCommand = Pick<
  Extract<Command, { kind: 'eval' }>,
  'task' | 'model' | 'shot' | 'limit' | 'concurrency' | 'runId'
> & {
  noCache?: boolean;
  /** The run's owner: a Slack user id, or `terminal`. */
  startedBy?: string;
};

export function evaluateServices(ctx: ServiceContext) {
  return {
    /** A full evaluation, stored document by document; resumable with the run id. */
    async evaluate(cmd: EvalCommand, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<EvalResult> {
      const tasks = tasksOf(cmd.task);
      const provider = ctx.providerOf(findModel(cmd.model, ctx.env));
      if (provider instanceof ReplayModel) {
        const missing = tasks.filter((t) => !provider.file(t, cmd.shot));
        if (missing.length === tasks.length) provider.requireGenerations(tasks[0], cmd.shot, TASKS);
      }
      return evaluate(
        {
          tasks,
          shot: cmd.shot,
          limit: cmd.limit,
          concurrency: cmd.concurrency,
          runId: cmd.runId,
          noCache: cmd.noCache,
          startedBy: cmd.startedBy,
        },
        { store: await ctx.store(), provider, release: ctx.release(), scoring: ctx.scoring, onProgress, signal },
      );
    },
  };
}
