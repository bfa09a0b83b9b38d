// The catalogue: the benchmark's tasks and the configured models with whether each can run here.
import { addModel, availability, findModel, liveModel, loadModels, type Provider } from '../models/registry.js';
import { describeRequest } from '../models/request.js';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { cutEcho, normalizeToken } from '../base/suggest.js';
import { UserError } from '../base/errors.js';
import { loadTaskFile, type TaskFileProblem } from '../tasks/task-file/load.js';
import { TASK_IDS } from '../tasks/types.js';
import { allTasks, taskFileProblems } from '../../tasks/index.js';
import type { ServiceContext } from './context.js';

export function modelServices(ctx: ServiceContext) {
  return {
    /** Every task: the paper's settings (source `built-in`), then the declared ones with their licence and credit. */
    tasks: () =>
      allTasks().map((t) => ({
        id: t.id,
        label: t.label,
        title: t.title,
        metric: t.metric,
        folder: t.folder,
        source: t.origin?.source ?? 'built-in',
        licence: t.origin?.licence ?? null,
        credit: t.origin?.credit ?? null,
        nonCommercial: t.origin?.nonCommercial ?? false,
        /** `private: true` in its task file: on-premises models only, never shown in Slack. */
        private: t.origin?.private ?? false,
      })),

    /** The task files left out of the registry for a problem (each problem one line). */
    taskFileProblems: (): readonly TaskFileProblem[] => taskFileProblems(),

    /**
     * Every problem of one task file (`jcb tasks check`), checked as it would be loaded: its id may not be a
     * built-in one nor another loaded file's. Nothing is run or registered. Problems name `file` as given.
     * @throws UserError when the file does not exist.
     */
    checkTaskFile(file: string): { id?: string; documents: number; problems: TaskFileProblem[] } {
      const full = path.resolve(file);
      if (!existsSync(full) || !statSync(full).isFile())
        throw new UserError(`No task file "${cutEcho(file)}".`, undefined, {
          hint: 'Give the path of a .yml task file.',
        });
      const others = allTasks()
        .filter((t) => t.origin && path.resolve(t.origin.file) !== full)
        .map((t) => t.id);
      const loaded = loadTaskFile({ file: full, source: 'task file' }, ctx.env, new Set([...TASK_IDS, ...others]));
      // Each line names the file as the user gave it, as the line saying it has no problems does.
      const problems = loaded.problems.map((p) => ({ ...p, file }));
      return { id: loaded.task?.id, documents: loaded.documents ?? 0, problems };
    },

    models: () => {
      const release = ctx.hasRelease();
      return loadModels(ctx.env).map((m) => ({
        alias: m.alias,
        label: m.label,
        provider: m.provider,
        /** Whether people's own text may be sent to it (models.yml `freeText`). */
        freeText: 'freeText' in m && m.freeText === true,
        source:
          m.provider === 'replay'
            ? `release: ${m.release}`
            : m.provider === 'baseline'
              ? 'tasks/*.ts baselines'
              : `${m.model} @ ${m.baseUrl ?? 'api.openai.com'}`,
        ...availability(m, ctx.env, release),
      }));
    },

    /**
     * The provider of the model `alias` names (undefined: none does), without the rest of `models` (each model's
     * availability, the release's check): what a bot's request asks before it is under way.
     */
    modelProvider: (alias: string): Provider | undefined =>
      loadModels(ctx.env).find((m) => m.alias === normalizeToken(alias).toLowerCase())?.provider,

    addModel: (alias: string, entry: Record<string, unknown>) => addModel(alias, entry, ctx.env),

    /** The exact request a live model is sent (`jcb models <alias>`). */
    modelRequest: (alias: string) => describeRequest(liveModel(findModel(alias, ctx.env)), ctx.env),
  };
}
