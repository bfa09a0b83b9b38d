// Finds, in the release's generations, documents of the shapes a display most easily gets wrong, and writes
// their ids (never release text) to test/fixtures/hard-documents.json for the thread snapshots
// (test/hard-documents.test.ts), which read the release itself at run time:
//   JCB_DATA_DIR=/path/to/j-clinicalbench npm run hard-documents
// Shapes are read off each task's own explanation (task.explain), so they are what the scorer saw.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createContext } from '../src/services/context.js';
import { loadModels } from '../src/models/registry.js';
import { ReplayModel } from '../src/models/replay.js';
import type { Explanation } from '../src/tasks/explanation.js';
import { SHOTS, type Parsed, type ScoringContext } from '../src/tasks/types.js';
import { TASKS } from '../tasks/index.js';

export interface HardDocument {
  task: string;
  model: string;
  shot: string;
  doc: string;
  shape: string;
}

/** The hard shapes of one explained output (empty when it reads plainly). */
export function shapesOf(e: Explanation, output: string): string[] {
  const continuation = 'stop' in e && e.stop?.continuation ? ['continuation'] : [];
  switch (e.kind) {
    case 'set':
      return [
        ...(e.stop?.at === 'cut off' ? ['cut-off output'] : []),
        ...(e.repeats ? ['duplicates'] : []),
        ...(e.empty ? ['empty items'] : []),
      ];
    case 'spans':
      return [...(e.overlaps ? ['overlapping spans'] : []), ...continuation];
    case 'rouge':
      return [...(e.empty ? ['empty output'] : []), ...(e.stop ? ['end marker'] : []), ...continuation];
    case 'choice':
      return [
        ...(e.gold.length > 1 ? ['several gold answers'] : []),
        ...(e.chosen.length > 1 ? ['several chosen'] : []),
      ];
    case 'factors':
      return [
        ...(e.factors.some((f) => f.fromNextLine || (f.line !== null && f.read === null)) ? ['empty factor line'] : []),
        ...(/\n\s*\n/.test(output) ? ['blank lines'] : []),
      ];
    case 'label':
      return [...(e.assumed ? ['no option read'] : []), ...continuation];
  }
}

// Shapes are found without MeCab: a tokenizer that reads nothing (ROUGE's shapes do not depend on tokens).
const NO_TOKENS: ScoringContext = { tokenize: async (texts) => texts.map(() => []) };

/** The first document of each hard shape per setting (models in registry order, zero-shot first), and one plain one. */
export async function findHardDocuments(env: NodeJS.ProcessEnv): Promise<HardDocument[]> {
  const ctx = createContext({ env });
  const models = loadModels(env).filter((m) => m.provider === 'replay');
  const found: HardDocument[] = [];
  for (const task of TASKS) {
    const taken = new Set<string>();
    for (const shot of [...SHOTS].reverse()) {
      for (const model of models) {
        const provider = ctx.providerOf(model) as ReplayModel;
        for (const [doc, g] of provider.generations(task, shot)) {
          const parsed = task.parse(g.output) as Parsed<unknown>;
          const e = await task.explain!({ gold: g.gold, parsed, output: g.output, document: g.document }, NO_TOKENS);
          const shapes = shapesOf(e, g.output);
          for (const shape of shapes.length ? shapes : ['plain']) {
            if (taken.has(shape)) continue;
            taken.add(shape);
            found.push({ task: task.id, model: model.alias, shot, doc, shape });
          }
        }
      }
    }
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = await findHardDocuments(process.env);
  const out = path.resolve('test', 'fixtures', 'hard-documents.json');
  writeFileSync(out, `[\n${found.map((d) => `  ${JSON.stringify(d)}`).join(',\n')}\n]\n`);
  process.stdout.write(`${found.length} documents written to ${out}\n`);
  process.exit(0);
}
