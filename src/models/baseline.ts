// The baseline provider: each task's no-model floor (tasks/*.ts `baseline`), offline and instant.
import type { Release } from '../release/release.js';
import type { Document, Task } from '../tasks/types.js';
import type { GenerateRequest, ModelProvider } from './provider.js';
import type { ModelConfig } from './registry.js';

export function createBaselineProvider(config: ModelConfig, release: () => Release): ModelProvider {
  const pools = new Map<Task, Document<unknown>[]>();
  const poolOf = (task: Task) => {
    // A declared task (task file) reads its own files: the release is not needed for it.
    if (!pools.has(task))
      pools.set(task, task.loadDocuments(task.origin ? (undefined as never) : release()) as Document<unknown>[]);
    return pools.get(task)!;
  };
  return {
    config,
    concurrency: 64,
    async generate({ task, document }: GenerateRequest) {
      const started = performance.now();
      const output = task.baseline(document, poolOf(task));
      return { output, latencyMs: performance.now() - started };
    },
  };
}
