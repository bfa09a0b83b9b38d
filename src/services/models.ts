// The catalogue: the benchmark's tasks and the configured models with whether each can run here.
import { addModel, availability, findModel, liveModel, loadModels } from '../models/registry.js';
import { describeRequest } from '../models/request.js';
import { TASKS } from '../../tasks/index.js';
import type { ServiceContext } from './context.js';

export function modelServices(ctx: ServiceContext) {
  return {
    tasks: () => TASKS.map((t) => ({ id: t.id, label: t.label, title: t.title, metric: t.metric, folder: t.folder })),

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

    addModel: (alias: string, entry: Record<string, unknown>) => addModel(alias, entry, ctx.env),

    /** The exact request a live model is sent (`jcb models <alias>`). */
    modelRequest: (alias: string) => describeRequest(liveModel(findModel(alias, ctx.env)), ctx.env),
  };
}
