// Two models compared on the documents both have, with a paired bootstrap.
import { pairedBootstrap, type PairedComparison } from '../metrics/bootstrap.js';
import { findModel } from '../models/registry.js';
import { ReplayModel } from '../models/replay.js';
import { aboutTask } from '../tasks/task-file/about.js';
import { isPrivate } from '../policy/data-policy.js';
import type { DocScore, Parsed, Shot, Task } from '../tasks/types.js';
import { allTasks } from '../../tasks/index.js';
import { documentsSource, tasksOf, type ServiceContext } from './context.js';
import { goldsUnder, hasLabels, requireLabelled, rescoreStored, runLabels } from '../evaluation/labels.js';
import { DEFAULT_LABELS, type LabelVersion } from '../release/views.js';

/** One setting of `compare`: null where the two models share no document. */
export interface ModelComparison {
  task: string;
  documents: number;
  result: PairedComparison | null;
  /** A declared task's source and licence (aboutTask). */
  about?: string;
  /** The task is private (src/policy/data-policy.ts): Slack says where its text is. */
  private?: boolean;
}

/** Per-document scores of a model on a task, by document id: replayed files, else its latest stored run. */
async function documentScores(
  ctx: ServiceContext,
  alias: string,
  task: Task,
  shot: Shot,
  labels: LabelVersion,
): Promise<Map<string, DocScore>> {
  const model = findModel(alias, ctx.env);
  const provider = documentsSource(ctx, model);
  // CCA under other labels than the paper's: every output scored on that version's gold.
  const golds = labels === 'paper' ? undefined : goldsUnder(task, ctx.release([task]), labels);
  if (provider instanceof ReplayModel) {
    const gens = [...provider.generations(task, shot)];
    const scores = await task.score(
      gens.map(([id, g]) => ({
        gold: golds?.has(id) ? golds.get(id) : g.gold,
        parsed: task.parse(g.output) as Parsed<unknown>,
      })),
      ctx.scoring,
    );
    return new Map(gens.map(([id], i) => [id, scores[i]]));
  }
  const s = await ctx.store();
  const latest = (await s.scores())
    .filter(
      (r) =>
        r.model === model.alias &&
        r.task === task.id &&
        r.shot === shot &&
        r.status === 'finished' &&
        r.doc_limit === null,
    )
    .at(-1);
  if (!latest) return new Map();
  const docs = (await s.documents(latest.run_id, task.id))
    .filter((d) => d.status === 'done')
    .sort((x, y) => x.doc_index - y.doc_index);
  const own = runLabels(latest, task) ?? 'reviewed';
  if (hasLabels(task) && own !== labels) {
    const again = await rescoreStored(task, docs, goldsUnder(task, ctx.release([task]), labels)!, ctx.scoring);
    return new Map(docs.map((d, i) => [d.doc_id, again.documents[i]]));
  }
  return new Map(docs.map((d) => [d.doc_id, JSON.parse(d.scores!) as DocScore]));
}

export function compareServices(ctx: ServiceContext) {
  return {
    /**
     * Two models on the documents both have, setting by setting: scores, the difference, its 95 %
     * paired-bootstrap interval, and whether it is significant (the interval excludes 0).
     */
    async compare(
      a: string,
      b: string,
      task?: string,
      shot: Shot = 'one',
      labels?: LabelVersion,
    ): Promise<ModelComparison[]> {
      const tasks = task ? tasksOf(task) : [...allTasks()];
      requireLabelled(tasks, labels, allTasks);
      const out: ModelComparison[] = [];
      const v = labels ?? DEFAULT_LABELS;
      for (const t of tasks) {
        const [sa, sb] = await Promise.all([documentScores(ctx, a, t, shot, v), documentScores(ctx, b, t, shot, v)]);
        const shared = [...sa.keys()].filter((id) => sb.has(id));
        const about = aboutTask(t);
        const row = { task: t.id, ...(about ? { about } : {}), ...(isPrivate(t) ? { private: true } : {}) };
        if (shared.length === 0) {
          out.push({ ...row, documents: 0, result: null });
          continue;
        }
        const result = pairedBootstrap(
          t,
          shared.map((id) => sa.get(id)!),
          shared.map((id) => sb.get(id)!),
        );
        out.push({ ...row, documents: shared.length, result });
      }
      return out;
    },
  };
}
