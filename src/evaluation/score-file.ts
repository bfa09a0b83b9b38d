// Scoring a released-format generation file: each row against the gold stored beside it.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { scoreInterval, type Interval } from '../metrics/bootstrap.js';
import { readJsonRows, type Row } from '../release/files.js';
import type { DocScore, Metrics, Parsed, ScoringContext, Task } from '../tasks/types.js';
import { allTasks, taskById, TASKS } from '../../tasks/index.js';
import { validRows } from './rows.js';
import { createRougeTokenizer, keeps, type Keep } from '../metrics/tokenizer/index.js';
import { loadIpadic } from '../metrics/tokenizer/ipadic.js';
import { createVocabulary, type Vocabulary } from '../metrics/tokenizer/token-ids.js';

export interface ScoredRows {
  n: number;
  metrics: Metrics;
  score: number;
  documents: DocScore[];
  /** Outputs the task's parser could not read (scored all the same, the way the release did). */
  parseFailures: number;
}

/** The task a generated/ folder belongs to: `CLR/MR`, or an ablation of it such as `CLR/MR_no_options`. */
export function taskOfFolder(folder: string): Task | undefined {
  const of = (t: Task) => folder === t.folder || folder.startsWith(`${t.folder}_`);
  // A built-in setting's folder needs no look at the task files (allTasks lists the built-in ones first).
  return TASKS.find(of) ?? allTasks().find(of);
}

/**
 * Scores released-format rows against the gold stored beside each output, or, with `golds` (a label version's
 * gold by document id: evaluation/labels.ts), against that version's gold.
 */
export async function scoreRows(
  task: Task,
  rows: readonly Row[],
  ctx: ScoringContext,
  golds?: ReadonlyMap<string, unknown>,
): Promise<ScoredRows> {
  const items = rows.map((row) => {
    const g = task.fromGeneration(row);
    const gold = g.id !== undefined && golds?.has(g.id) ? golds.get(g.id) : g.gold;
    return { gold, parsed: task.parse(g.output) as Parsed<unknown> };
  });
  const documents = await task.score(items, ctx);
  const metrics = task.aggregate(documents);
  return {
    n: rows.length,
    metrics,
    score: task.headline(metrics),
    documents,
    parseFailures: items.filter((it) => !it.parsed.ok).length,
  };
}

/** A file's scores without its per-document rows: what crosses back from a pool thread. */
export interface FileScore extends Omit<ScoredRows, 'documents'> {
  /** The headline's 95 % bootstrap interval, when asked for (1,000 resamples: the costly part of a board). */
  interval: Interval | null;
}

/**
 * Reads, checks and scores the generation file at `file` as task `taskId` (a declared task too, once its
 * files are in use). Run in a pool thread for any file of more than a handful of documents (issue 28).
 * @throws UserError for an unknown task or a file that is not a generation file.
 */
export async function scoreFileAt(
  taskId: string,
  file: string,
  ctx: ScoringContext,
  interval: boolean,
  /** A label version's gold by document id (in this thread only: evaluation/labels.ts). */
  golds?: ReadonlyMap<string, unknown>,
): Promise<FileScore> {
  const task = taskById(taskId);
  if (!task) throw new Error(`no task "${taskId}"`);
  const { documents, ...scored } = await scoreRows(task, validRows(task, readJsonRows(file), file), ctx, golds);
  return { ...scored, interval: interval ? scoreInterval(task, documents) : null };
}

/** A file to score by `scoreFilesAt`: task id, path, whether the headline's interval is wanted. */
export type FileToScore = readonly [taskId: string, file: string, interval: boolean];

/**
 * Files scored one after another in this thread (see scoreFileAt), with a tokenizer and a vocabulary of their own:
 * given a task's files, its gold texts are tokenized once, ROUGE-L compares token ids (ScoringContext.ids), and the
 * tokens cached go with the call (memory bounded by one task's texts; one file held at a time).
 */
export async function scoreFilesAt(files: readonly FileToScore[]): Promise<FileScore[]> {
  const tokenizer = createRougeTokenizer({ threads: 0 });
  const ctx: ScoringContext = { tokenize: (texts, keep) => tokenizer.tokenize(texts, keep), ids: idTokenizer() };
  const scores: FileScore[] = [];
  for (const [taskId, file, interval] of files) {
    scores.push(await scoreFileAt(taskId, file, ctx, interval));
    // A turn of the event loop between files: scoring them yields only to promises, and a thread's messages (a
    // pool thread saying it is ready for work: `jcb score`'s caller scores beside it) wait for a turn.
    await nextTurn();
  }
  return scores;
}

/** Token ids of one vocabulary, each text's once while this lives (those `keep` says false not kept). */
function idTokenizer(): NonNullable<ScoringContext['ids']> {
  let vocabulary: Vocabulary | undefined;
  const kept = new Map<string, Int32Array>();
  return {
    async tokenize(texts: readonly string[], keep: Keep = true) {
      vocabulary ??= createVocabulary(await loadIpadic());
      const v = vocabulary;
      return texts.map((text, i) => {
        let ids = kept.get(text);
        if (!ids) {
          ids = v.ids(text);
          if (keeps(keep, i)) kept.set(text, ids);
        }
        return ids;
      });
    },
    lcs: (a, b) => vocabulary!.lcs(a, b),
  };
}
