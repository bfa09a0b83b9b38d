// Two models compared on the documents both have, with a paired bootstrap.
import { pairedBootstrap, type PairedComparison } from '../metrics/bootstrap.js';
import { findModel } from '../models/registry.js';
import { ReplayModel } from '../models/replay.js';
import { aboutTask } from '../tasks/task-file/about.js';
import type { DocScore, Parsed, Shot, Task } from '../tasks/types.js';
import { allTasks } from '../../tasks/index.js';
import { tasksOf, type ServiceContext } from './context.js';

/** One setting of `compare`: null where the two models share no document. */
export interface ModelComparison {
  task: string;
  documents: number;
  result: PairedComparison | null;
  /** A declared task's source and licence (aboutTask). */
  about?: string;
}

/** Per-document scores of a model on a task, by document id: replayed files, else its latest stored run. */
async function documentScores(
  ctx: ServiceContext,
  alias: string,
  task: Task,
  shot: Shot,
): Promise<Map<string, DocScore>> {
  const model = findModel(alias, ctx.env);
  const provider = ctx.providerOf(model);
  if (provider instanceof ReplayModel) {
    const gens = [...provider.generations(task, shot)];
    const scores = await task.score(
      gens.map(([, g]) => ({ gold: g.gold, parsed: task.parse(g.output) as Parsed<unknown> })),
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
  const docs = (await s.documents(latest.run_id, task.id)).filter((d) => d.status === 'done');
  return new Map(docs.map((d) => [d.doc_id, JSON.parse(d.scores!) as DocScore]));
}

export function compareServices(ctx: ServiceContext) {
  return {
    /**
     * Two models on the documents both have, setting by setting: scores, the difference, its 95 %
     * paired-bootstrap interval, and whether it is significant (the interval excludes 0).
     */
    async compare(a: string, b: string, task?: string, shot: Shot = 'one'): Promise<ModelComparison[]> {
      const tasks = task ? tasksOf(task) : [...allTasks()];
      const out: ModelComparison[] = [];
      for (const t of tasks) {
        const [sa, sb] = await Promise.all([documentScores(ctx, a, t, shot), documentScores(ctx, b, t, shot)]);
        const shared = [...sa.keys()].filter((id) => sb.has(id));
        const about = aboutTask(t);
        const row = { task: t.id, ...(about ? { about } : {}) };
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
