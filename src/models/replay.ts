// The replay provider: a paper model's released generation for (setting, document, shot).
import { UserError } from '../base/errors.js';
import { RecentlyUsed } from '../base/recent.js';
import type { GenerationFile, Release } from '../release/release.js';
import { evaluationDocuments } from '../tasks/documents.js';
import type { Document, Shot, Task } from '../tasks/types.js';
import { ProviderError, type GenerateRequest, type ModelProvider } from './provider.js';
import type { ModelConfig } from './registry.js';

export interface ReplayedGeneration {
  document: Document<unknown> | undefined;
  /** The gold stored beside the output: the release scored against it (it can differ from data.csv). */
  gold: unknown;
  output: string;
}

type ReplayConfig = Extract<ModelConfig, { provider: 'replay' }>;

export class ReplayModel implements ModelProvider {
  readonly concurrency = 64;
  /** The generations of the (setting, shot) pairs used last: a bot holds a few, not every file it replayed. */
  private readonly cache = new RecentlyUsed<string, Map<string, ReplayedGeneration>>(2);

  constructor(
    private readonly release: Release,
    readonly config: ReplayConfig,
  ) {}

  /** The released file for this model, task and shot (`one_shot.json`; variants such as `one_shot4096` are ablations). */
  file(task: Task, shot: Shot): GenerationFile | undefined {
    if (task.generationFile) {
      const declared = task.generationFile(this.config.release, shot);
      return declared
        ? {
            folder: task.folder,
            modelDir: this.config.release,
            name: `${shot}_shot`,
            shot,
            path: declared,
            resultsPath: undefined,
          }
        : undefined;
    }
    return this.release
      .generationFiles()
      .find((f) => f.folder === task.folder && f.modelDir === this.config.release && f.name === `${shot}_shot`);
  }

  /** Every released generation of the task and shot, by document id, in the file's order. */
  generations(task: Task, shot: Shot): Map<string, ReplayedGeneration> {
    return this.cache.get(`${task.id}:${shot}`, () => {
      const out = new Map<string, ReplayedGeneration>();
      const file = this.file(task, shot);
      if (file) {
        const stored = this.release.generationRows(file.path);
        // A declared task's file edited since it was loaded: refused, never matched by place or scored on its gold.
        const bad = task.checkGenerations?.(stored, file.path)[0];
        if (bad) throw new UserError(`${task.id}: ${bad.key}: ${bad.message}.`);
        const rows = stored.map((r) => task.fromGeneration(r));
        // The benchmark's documents only when a row lacks its id or document (NER rows carry both): building
        // them for NER allocated ~4-5 MB a run the bot would not use (issue 28).
        let docs: Document<unknown>[] | undefined;
        let byId: Map<string, Document<unknown>> | undefined;
        const benchmark = () => (docs ??= evaluationDocuments(task, this.release, shot));
        rows.forEach((row, i) => {
          // Rows without an id (RE) are the shot's documents in order.
          const id = row.id ?? benchmark()[i]?.id;
          if (id === undefined) return;
          const document = row.document ?? (byId ??= new Map(benchmark().map((d) => [d.id, d]))).get(id);
          out.set(id, { document, gold: row.gold, output: row.output });
        });
      }
      return out;
    });
  }

  /** Settings that have a released generation file for this shot. */
  coveredTasks(tasks: readonly Task[], shot: Shot): Task[] {
    return tasks.filter((t) => this.file(t, shot));
  }

  requireGenerations(task: Task, shot: Shot, allTasks: readonly Task[]): Map<string, ReplayedGeneration> {
    const gens = this.generations(task, shot);
    if (gens.size === 0) {
      const covered = this.coveredTasks(allTasks, shot).map((t) => t.id);
      throw new UserError(
        `${this.config.alias} (replay) has no released ${shot}-shot generations for ${task.id}.`,
        covered.length
          ? `Replayed ${shot}-shot settings of ${this.config.alias}: ${covered.join(', ')}.`
          : `The release has no ${shot}-shot generations of ${this.config.alias}.`,
      );
    }
    return gens;
  }

  documents(task: Task, shot: Shot): Document<unknown>[] {
    return [...this.generations(task, shot).values()].flatMap((g) => (g.document ? [g.document] : []));
  }

  async generate({ task, document, shot }: GenerateRequest) {
    const gen = this.generations(task, shot).get(document.id);
    if (!gen) {
      throw new ProviderError(
        `${this.config.alias} (replay) has no released ${shot}-shot generation for ${task.id} ${document.id}`,
        false,
      );
    }
    return { output: gen.output, gold: gen.gold, latencyMs: 0 };
  }
}
