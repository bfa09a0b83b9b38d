// Human ratings of free-text outputs: blind batches for raters, their 1–5 judgements, and Table 6.
import { UserError } from '../base/errors.js';
import { findTask } from '../evaluation/documents.js';
import type { ReplayModel } from '../models/replay.js';
import { outputHash, RATED_TASKS, ratingsReport, type Criterion, type RatedOutput } from '../ratings/ratings.js';
import type { ServiceContext } from './context.js';
import { loadModels } from '../models/registry.js';
import { TASKS_BY_ID } from '../../tasks/index.js';
import type { Task } from '../tasks/types.js';
import { checkText } from '../privacy/free-text.js';
import type { Finding } from '../privacy/kinds.js';

const NO_SUCH_OUTPUT = 'That output is not one jcb showed: nothing was saved.';

/** Refuses a rating of an output that does not exist (see `rate`). */
function requireOutput(ctx: ServiceContext, o: RatedOutput): void {
  const task = TASKS_BY_ID.get(o.task as Task['id']);
  const model = loadModels(ctx.env).find((m) => m.alias === o.model);
  if (!task || !RATED_TASKS.includes(task.id) || !model || model.provider === 'baseline')
    throw new UserError(
      NO_SUCH_OUTPUT,
      'Rate from the controls under a run, or start a batch with `/jcb ratings <task> --batch`.',
    );
  if (model.provider === 'replay') {
    const g = (ctx.providerOf(model) as ReplayModel).generations(task, 'one').get(o.doc);
    if (!g || outputHash(g.output) !== o.hash) throw new UserError(NO_SUCH_OUTPUT);
  } else if (!task.loadDocuments(ctx.release()).some((d) => d.id === o.doc)) throw new UserError(NO_SUCH_OUTPUT);
}

export function ratingServices(ctx: ServiceContext) {
  return {
    /**
     * A rater's 1–5 judgement of an output on some criteria (a second one replaces the first), or a comment.
     * A comment is a person's free text, personal data (README, Privacy): it is stored masked, each finding of
     * the detector replaced by its kind ([氏名]); the findings are returned, for the face to say what was masked.
     * @throws UserError, storing nothing, for an output that does not exist: a task that is not rated, an
     * unknown model or document, or (replayed models) a hash that is not the released output's; and
     * CheckFailedError when the check of a comment fails or takes longer than JCB_CHECK_TIMEOUT_MS.
     */
    async rate(
      rater: string,
      output: RatedOutput,
      values: Partial<Record<Criterion, number>> & { comment?: string },
    ): Promise<{ masked: Finding[] }> {
      for (const [k, v] of Object.entries(values)) {
        if (k !== 'comment' && (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 5)) {
          throw new UserError(`${k} must be a whole number from 1 to 5, not ${v}.`);
        }
      }
      requireOutput(ctx, output);
      const checked = values.comment === undefined ? undefined : await checkText(values.comment, ctx.detect, ctx.env);
      const stored = checked ? { ...values, comment: checked.masked } : values;
      await (
        await ctx.store()
      ).rate({ rater, task: output.task, model: output.model, doc_id: output.doc, output_hash: output.hash }, stored);
      return { masked: checked?.findings ?? [] };
    },

    /** The replayed model whose output (for a task and document) has this hash: blind batches hide it. */
    async modelOfOutput(o: Pick<RatedOutput, 'task' | 'doc' | 'hash'>): Promise<string> {
      const t = findTask(o.task);
      const model = ctx.replayModels().find((m) => {
        const g = (ctx.providerOf(m) as ReplayModel).generations(t, 'one').get(o.doc);
        return g !== undefined && outputHash(g.output) === o.hash;
      });
      if (!model) throw new UserError('That output is no longer among the replayed ones; start a new batch.');
      return model.alias;
    },

    /** Table 6: mean ratings and their number per setting (and model), with Krippendorff's alpha. */
    ratings: async (task?: string, byModel = false) =>
      ratingsReport(await ctx.store(), task ? findTask(task).id : undefined, byModel),

    /**
     * The next output for a rater to judge blind: a replayed model's output of a generation setting that
     * this rater has not rated yet, the model's name kept apart.
     */
    async nextToRate(
      rater: string,
      task: string,
    ): Promise<(RatedOutput & { text: string; gold: string; output: string }) | null> {
      const t = findTask(task);
      if (!RATED_TASKS.includes(t.id))
        throw new UserError(
          `${t.id} is not rated: its outputs are not free text.`,
          `Rated settings: ${RATED_TASKS.join(', ')}.`,
        );
      const mine = new Set(
        (await (await ctx.store()).ratings(t.id))
          .filter((r) => r.rater === rater)
          .map((r) => `${r.model}\u0000${r.doc_id}\u0000${r.output_hash}`),
      );
      const candidates = ctx
        .replayModels()
        .flatMap((m) =>
          [...(ctx.providerOf(m) as ReplayModel).generations(t, 'one')].map(([doc, g]) => ({ model: m.alias, doc, g })),
        );
      const open = candidates.filter((c) => !mine.has(`${c.model}\u0000${c.doc}\u0000${outputHash(c.g.output)}`));
      if (open.length === 0) return null;
      const pick = open[Math.floor(ctx.random() * open.length)];
      return {
        task: t.id,
        model: pick.model,
        doc: pick.doc,
        hash: outputHash(pick.g.output),
        text: pick.g.document?.text ?? '',
        gold: String(pick.g.gold),
        output: pick.g.output,
      };
    },
  };
}
