// The composition root of the core: what the faces (CLI, Slack, workers, schedules) call. It only wires
// the capability modules of src/services/ into one flat facade, so faces keep `services.run(...)`,
// `services.leaderboard(...)`, `services.enqueueEvaluation(...)`: see README "Layout".
import { auditServices } from './services/audit.js';
import { backgroundServices } from './services/background.js';
import { compareServices } from './services/compare.js';
import { createContext, type ServicesOptions } from './services/context.js';
import { dataServices } from './services/data.js';
import { evaluateServices } from './services/evaluate.js';
import { judgeServices } from './services/judge.js';
import { leaderboardServices } from './services/leaderboard.js';
import { modelServices } from './services/models.js';
import { ratingServices } from './services/ratings.js';
import { runServices } from './services/run.js';
import { runsServices } from './services/runs.js';
import { scheduleServices } from './services/schedules.js';
import { scoreServices } from './services/score.js';

export type { RunProgress } from './services/background.js';
export type { ModelComparison } from './services/compare.js';
export type { ServicesOptions } from './services/context.js';
export type { EvalCommand } from './services/evaluate.js';
export type { Correlations } from './services/judge.js';
export type { Leaderboard, LeaderboardRow } from './services/leaderboard.js';
export type { AskRequest, AskResult, RunRequest, RunResult } from './services/run.js';
export type { RunSummary } from './services/runs.js';
export type { Digest, DigestRow } from './services/schedules.js';
export type { ScoreRow } from './services/score.js';

/** Every capability over one lazily opened context (release, store, queues, tokenizer, providers). */
export function createServices(options: ServicesOptions = {}) {
  const ctx = createContext(options);
  return {
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
    ...judgeServices(ctx),
    ...compareServices(ctx),
    ...auditServices(ctx),
    close: ctx.close,
  };
}

export type Services = ReturnType<typeof createServices>;
