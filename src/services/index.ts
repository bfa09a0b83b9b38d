// The composition root of the core: what the faces (CLI, Slack, workers, schedules) call. It only wires
// the capability modules of src/services/ into one flat facade, so faces keep `services.run(...)`,
// `services.leaderboard(...)`, `services.enqueueEvaluation(...)`: see README "Layout".
import { accessServices, watchViews, withTaskFiles } from './access.js';
import { auditServices } from './audit.js';
import { backgroundServices } from './background.js';
import { buttonServices } from './buttons.js';
import { compareServices } from './compare.js';
import { createContext, type ServicesOptions } from './context.js';
import { dataServices } from './data.js';
import { evaluateServices } from './evaluate.js';
import { judgeServices } from './judge.js';
import { leaderboardServices } from './leaderboard.js';
import { loopServices } from './loop.js';
import { modelServices } from './models.js';
import { phiServices } from './phi.js';
import { privateServices } from './private.js';
import { ratingServices } from './ratings.js';
import { runServices } from './run.js';
import { runsServices } from './runs.js';
import { scheduleServices } from './schedules.js';
import { scoreServices } from './score.js';

export type { RunProgress } from './background.js';
export type { ButtonClaim } from './buttons.js';
export type { ModelComparison } from './compare.js';
export type { ServicesOptions } from './context.js';
export type { EvalCommand } from './evaluate.js';
export type { Correlations } from './judge.js';
export type { Leaderboard, LeaderboardRow } from './leaderboard.js';
export type { AskRequest, AskResult, RunRequest, RunResult } from './run.js';
export type { RunSummary } from './runs.js';
export type { Digest, DigestRow } from './schedules.js';
export type { ScoreRow } from './score.js';

/**
 * Every capability over one lazily opened context (release, store, queues, tokenizer, providers), each method's
 * result noted in the access scope of private tasks (access.ts).
 */
export function createServices(options: ServicesOptions = {}) {
  const ctx = createContext(options);
  // Every method's result looked through for private tasks in a face's access scope (access.ts), each call
  // seeing the task files as they are now (a long-running bot sees edits and pulls without a restart).
  return watchViews(withTaskFiles(ctx, {
    ...modelServices(ctx),
    ...dataServices(ctx),
    ...runServices(ctx),
    ...scoreServices(ctx),
    ...leaderboardServices(ctx),
    ...evaluateServices(ctx),
    ...runsServices(ctx),
    ...backgroundServices(ctx),
    ...scheduleServices(ctx),
    ...ratingServices(ctx),
    ...buttonServices(ctx),
    ...judgeServices(ctx),
    ...compareServices(ctx),
    ...auditServices(ctx),
    ...phiServices(ctx),
    ...loopServices(ctx),
    ...privateServices(ctx),
    ...accessServices(ctx),
    close: ctx.close,
  }));
}

export type Services = ReturnType<typeof createServices>;
