// An LLM judge of a run's free-text outputs, and how well it and ROUGE-L follow the human ratings.
import { UserError } from '../base/errors.js';
import { findTask } from '../evaluation/documents.js';
import { planDocuments, setOfRun } from '../evaluation/plan.js';
import { judge, RUBRIC_VERSION, spearman } from '../judge/judge.js';
import { findModel } from '../models/registry.js';
import { requireMayReceive } from '../policy/data-policy.js';
import { CRITERIA, outputHash, RATED_TASKS, type Criterion } from '../ratings/ratings.js';
import type { DocScore, Shot } from '../tasks/types.js';
import type { RunDocument } from '../store/store.js';
import { requireRun, sayingProviderFailure, type ServiceContext } from './context.js';

/** Spearman's correlation with the mean human rating, per criterion, over `n` rated outputs. */
export type Correlations = Record<Criterion, { judge: number | null; rougeL: number | null; n: number }>;

export function judgeServices(ctx: ServiceContext) {
  return {
    /** Scores a run's generated texts with an LLM judge (JCB_JUDGE_MODEL, or `judgeAlias`), stored beside ROUGE-L. */
    async judgeRun(runId: string, judgeAlias?: string): Promise<{ judged: number; judge: string; rubric: string }> {
      const run = await requireRun(ctx, runId);
      const alias = judgeAlias ?? ctx.env.JCB_JUDGE_MODEL;
      if (!alias)
        throw new UserError(
          'No judge model.',
          'Pass --judge <alias> with a live model (`/jcb models` lists them), or ask whoever runs jcb to set a default judge.',
          { hint: 'Pass --judge <alias> or set JCB_JUDGE_MODEL to a live model of data/models.yml.' },
        );
      const judgeModel = findModel(alias, ctx.env);
      if (judgeModel.provider === 'replay') throw new UserError(`${alias} is replayed: a judge must be a live model.`);
      requireMayReceive(
        (JSON.parse(run.tasks) as string[]).map((t) => findTask(t)),
        judgeModel,
      );
      const provider = ctx.providerOf(judgeModel);
      const s = await ctx.store();
      let judged = 0;
      for (const taskId of (JSON.parse(run.tasks) as string[]).filter((t) => RATED_TASKS.includes(t))) {
        const task = findTask(taskId);
        const docs = new Map(
          planDocuments(
            { tasks: [task], shot: run.shot as Shot, documents: setOfRun(run) },
            ctx.providerOf(findModel(run.model, ctx.env)),
            ctx.release(),
          ).map((i) => [i.doc.id, i.doc]),
        );
        for (const d of (await s.documents(run.id, taskId)).filter((x) => x.status === 'done')) {
          const text = docs.get(d.doc_id)?.text ?? '';
          const scores = await sayingProviderFailure(
            judgeModel.alias,
            judge(provider, task, text, String(JSON.parse(d.gold!)), d.output ?? ''),
          );
          await s.saveJudgement({
            run_id: run.id,
            task: taskId,
            doc_id: d.doc_id,
            judge: judgeModel.alias,
            rubric: RUBRIC_VERSION,
            ...scores,
          });
          judged++;
        }
      }
      return { judged, judge: judgeModel.alias, rubric: RUBRIC_VERSION };
    },

    /**
     * How well the judge and ROUGE-L follow the human ratings: Spearman's correlation per criterion over
     * the rated outputs that a stored run also judged and scored.
     */
    async correlate(task?: string): Promise<Correlations> {
      const s = await ctx.store();
      const ratings = await s.ratings(task);
      const judgements = await s.judgements();
      const runs = new Map((await s.listRuns(1000)).map((r) => [r.id, r]));
      const pairs = Object.fromEntries(
        CRITERIA.map((c) => [c, { human: [] as number[], judge: [] as number[], rouge: [] as number[] }]),
      );
      const judged = judgements.filter((j) => runs.has(j.run_id) && (!task || j.task === task));
      // The judged documents of each run and task, asked for by id: one query a run and task, not a task's
      // documents a judgement.
      const docs = new Map<string, RunDocument>();
      const key = (runId: string, taskId: string, docId: string) => JSON.stringify([runId, taskId, docId]);
      const ids = new Map<string, string[]>();
      for (const j of judged) {
        const group = JSON.stringify([j.run_id, j.task]);
        const list = ids.get(group) ?? [];
        list.push(j.doc_id);
        ids.set(group, list);
      }
      for (const [group, docIds] of ids) {
        const [runId, taskId] = JSON.parse(group) as [string, string];
        for (const d of await s.documents(runId, taskId, docIds)) docs.set(key(runId, taskId, d.doc_id), d);
      }
      for (const j of judged) {
        const run = runs.get(j.run_id)!;
        const doc = docs.get(key(j.run_id, j.task, j.doc_id));
        if (!doc || doc.output === null) continue;
        const hash = outputHash(doc.output);
        const human = ratings.filter(
          (r) => r.task === j.task && r.model === run.model && r.doc_id === j.doc_id && r.output_hash === hash,
        );
        const rouge = (JSON.parse(doc.scores!) as DocScore).f1;
        for (const c of CRITERIA) {
          const values = human.flatMap((r) => (r[c] === null ? [] : [r[c]!]));
          if (values.length === 0 || j[c] === null) continue;
          pairs[c].human.push(values.reduce((a, b) => a + b, 0) / values.length);
          pairs[c].judge.push(j[c]!);
          pairs[c].rouge.push(rouge);
        }
      }
      return Object.fromEntries(
        CRITERIA.map((c) => [
          c,
          {
            judge: spearman(pairs[c].human, pairs[c].judge),
            rougeL: spearman(pairs[c].human, pairs[c].rouge),
            n: pairs[c].human.length,
          },
        ]),
      ) as Correlations;
    },
  };
}
