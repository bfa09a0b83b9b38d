// Private tasks (issue 33): what the faces ask of the data policy (src/policy/data-policy.ts) through the services.
import { findTask } from '../evaluation/documents.js';
import { findModel, loadModels, type ModelConfig } from '../models/registry.js';
import { dataPolicyOf, isPrivate, privateTasks, requireMayWrite, type DataPolicy } from '../policy/data-policy.js';
import type { Task } from '../tasks/types.js';
import { privateAccessRows, recordPrivateAccess, type PrivateAccess } from '../policy/access-audit.js';
import { allTasks } from '../../tasks/index.js';
import { markRecorded } from './access.js';
import type { ServiceContext } from './context.js';

const orUndefined = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

export function privateServices(ctx: ServiceContext) {
  return {
    /**
     * The task and model an act is about, for `authorize` (src/policy/acts.ts): undefined parts where a name is
     * unknown (the service that does the work then says so in its own words).
     */
    dataContext(task: string, model?: string): { task: Task; model?: ModelConfig } | undefined {
      const found = orUndefined(() => findTask(task));
      if (!found) return undefined;
      return { task: found, model: model === undefined ? undefined : orUndefined(() => findModel(model, ctx.env)) };
    },

    /** Whether the task (id or label) is private; false for an unknown one. */
    isPrivateTask: (task: string): boolean => isPrivate(orUndefined(() => findTask(task))),

    /** Where each model of the registry sends text (`external`, `on-premises`). */
    dataPolicies: (): Record<string, DataPolicy> =>
      Object.fromEntries(loadModels(ctx.env).map((m) => [m.alias, dataPolicyOf(m)])),

    /**
     * Throws unless a file (`option`) may hold the data of `tasks` (ids or labels; unknown ones are left to the
     * command): a private task's only with --include-private. Returns whether the file will hold private data.
     */
    mayWrite(tasks: readonly string[], includePrivate: boolean | undefined, option: string): boolean {
      const found = tasks.flatMap((t) => orUndefined(() => findTask(t)) ?? []);
      return requireMayWrite(found, includePrivate, option);
    },

    /**
     * Records an access to the private ones of `tasks` (ids), who, what, where (`view`: default `text`); nothing
     * for other tasks. In an access scope (access.ts), the scope does not record them again.
     */
    async auditPrivate(tasks: readonly string[], a: Omit<PrivateAccess, 'task'>): Promise<void> {
      for (const t of tasks.filter((id) => isPrivate(orUndefined(() => findTask(id))))) {
        await recordPrivateAccess(await ctx.store(), { ...a, task: findTask(t).id });
        markRecorded(findTask(t).id);
      }
    },

    /** The latest accesses to private tasks' data, newest first (`jcb audit`). */
    privateAccess: async (limit = 100) => privateAccessRows(await ctx.store(), limit),

    /** The private tasks and the models allowed each (`jcb doctor`). */
    privateTasks: () => privateTasks(allTasks(), orUndefined(() => loadModels(ctx.env)) ?? []),
  };
}
