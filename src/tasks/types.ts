// What a task module declares (see tasks/): its data, prompt, output parser and metric. The scorer of
// released files, the replay model and live evaluations all go through these same functions.
import type { Mark } from '../base/format.js';
import type { Row } from '../release/files.js';
import type { Release } from '../release/release.js';
import type { LabelVersion } from '../release/views.js';
import type { Explanation } from './explanation.js';
import type { Keep } from '../metrics/tokenizer/index.js';

export const TASK_IDS = [
  'examqa',
  'cca',
  'mr',
  'hs-pn',
  'hs-ds',
  'irs',
  'cts',
  'ner-d',
  'ner-med',
  're-ent',
  're-time',
  'dc-tnm',
  'dc-ade',
] as const;
export type TaskId = (typeof TASK_IDS)[number];

export { SHOTS, type Shot } from '../release/shots.js';
import type { Shot } from '../release/shots.js';

/** One benchmark item: what the prompt is filled with, and the reference answer. */
export interface Document<G> {
  id: string;
  /** The source text as people read it (the prompt also holds instructions, options and examples). */
  text: string;
  /** Values of the template's placeholders, by name (`text` fills `<text>`). */
  fields: Record<string, string>;
  gold: G;
  /** Every accepted answer where the source lists several (ExamQA's `all_answer_idx`); `gold` is the one scored. */
  allGold?: readonly G[];
}

/** A model output read by the task's parser. A failure is scored (as the release did), and shown. */
export interface Parsed<P> {
  value: P;
  ok: boolean;
  problem?: string;
}

/** One row of a released generation file, with the gold stored beside it (the release scored that). */
export interface GenerationRow<G> {
  /** Absent where the release's rows carry no id (RE): then row i is the shot's i-th document. */
  id?: string;
  gold: G;
  output: string;
  /** The document as the row stores it, where the rows carry their whole input (NER). */
  document?: Document<G>;
}

/** How an item of gold or output fared under the task's own matching rule. */
/** A piece of text, marked when it is an item (an entity in its sentence, a token ROUGE-L matched). */
export interface MarkedText {
  text: string;
  mark?: Mark;
}

/** Gold against output, made readable: what a person checks in a result. */
export type Comparison =
  | { kind: 'items'; matched: string[]; missed: string[]; extra: string[] }
  /** `highlight`: the output in pieces, `matched` where ROUGE-L's LCS uses the token (added by the run service). */
  | { kind: 'texts'; gold: string; output: string; highlight?: MarkedText[] }
  /**
   * Entities by their text (and kind where a setting has several), gold ones matched or missed, predicted ones
   * matched or extra. Both sides marked in place, so that a prediction overlapping gold spans shows them all:
   * `sentence` the gold sentence with the gold spans, `output` the output's untagged text with the predicted
   * spans; `sameText` false when the model changed the sentence (spans are still compared by position).
   */
  | {
      kind: 'entities';
      gold: MarkedText[];
      predicted: MarkedText[];
      sentence: MarkedText[];
      output: MarkedText[];
      sameText: boolean;
    }
  | { kind: 'labels'; gold: string; predicted: string };

/** Per-document numbers from which the file's metrics are aggregated (means, sums or counts). */
export type DocScore = Record<string, number>;
/** The keys and numbers of a release results/ file; DC-TMN nests one level (t, n, m). */
export type Metrics = Record<string, number | Record<string, number>>;

export interface ScoringContext {
  /**
   * ROUGE-L tokens of each text (MeCab-IPADIC rules), computed once per distinct text. `keep` (for every text, or
   * one flag a text) false: texts not asked for again (a file's outputs, where its gold texts recur in every file
   * of the task), left out of a tokenizer's cache (see goldAndOutputTokens).
   */
  tokenize(texts: readonly string[], keep?: Keep): Promise<string[][]>;
  /**
   * The same tokens as ids of one vocabulary (tokenizer/token-ids.ts), where a context has them (scoring files:
   * evaluation/score-file.ts): what ROUGE-L's scores compare (tasks/rouge-scores.ts), with the vocabulary's LCS.
   */
  ids?: {
    tokenize(texts: readonly string[], keep?: Keep): Promise<Int32Array[]>;
    lcs(a: Int32Array, b: Int32Array): number;
  };
}

/**
 * Tokens of `golds` (kept: a task's gold texts recur in each of its files) and of `outputs` (not kept), asked as
 * one request (one round trip to a pool thread).
 */
export async function goldAndOutputTokens(
  ctx: ScoringContext,
  golds: readonly string[],
  outputs: readonly string[],
): Promise<[string[][], string[][]]> {
  const keep = [...golds.map(() => true), ...outputs.map(() => false)];
  const tokens = await ctx.tokenize([...golds, ...outputs], keep);
  return [tokens.slice(0, golds.length), tokens.slice(golds.length)];
}

export interface ScoredItem<G, P> {
  gold: G;
  parsed: Parsed<P>;
}

/** What `explain` reads: the scored pair, the output it was parsed from, and the document where known. */
export interface ExplainItem<G, P> {
  gold: G;
  parsed: Parsed<P>;
  output: string;
  document?: Document<G>;
}

/** Where a declared task (a task file) comes from, shown wherever the task is. */
export interface TaskOrigin {
  /** The task file, as found (a path the operator chose; shown in terminals only). */
  file: string;
  /** `built-in`, `task file`, or `pack <name>`. */
  source: string;
  licence?: string;
  /** Who made the data and where it is published. */
  credit?: string;
  /** The licence forbids commercial use (CC BY-NC…): said with every output. */
  nonCommercial: boolean;
  /** Rows the task file leaves out, counted, and why (`103 rows left out: the question needs an image`). */
  excluded?: string;
  /**
   * The task file says `private: true`: its documents, gold, outputs and thinking go only to on-premises models,
   * never to Slack, and into files only with --include-private (src/policy/data-policy.ts).
   */
  private?: boolean;
  /**
   * The task file's scoring-relevant definition and its prompt templates, hashed (SHA-256, 12 hex digits; load.ts
   * scoringHash: a comment or title edit keeps it): a run records it, a queued job carries it, and a resume or a
   * worker whose file differs is refused (issue 24).
   */
  hash?: string;
  /**
   * The rows read from the data file(s) and answer key (after the key's join and `exclude`), hashed likewise: a run
   * records it, and a resume or a worker on other data is refused (a file re-saved in another encoding or quoting
   * with the same rows is the same data).
   */
  dataHash?: string;
  /** The data files and answer key as the task file names them (no folder: said in Slack too). */
  dataFiles?: readonly string[];
}

/** A published result carried by a task file: shown beside our runs, marked as published, not reproduced. */
export interface ReferenceRow {
  model: string;
  metric: string;
  /** 0–1, as the metric. */
  value: number;
  source: string;
  /** On the task's headline metric (shown on the board); the others are listed with the task only. */
  headline: boolean;
}

export interface Task<G = unknown, P = unknown> {
  /** A built-in `TaskId`, or a task file's own id. */
  id: string;
  /** The column name in the paper's Table 4. */
  label: string;
  title: string;
  /** Where the release keeps it, e.g. `CLR/MR`; generated/ also holds ablations named `<folder>_*`. */
  folder: string;
  /** The headline metric's name: `accuracy`, `F1`, `ROUGE-L` for the paper's settings; a task file's own. */
  metric: string;
  /** The ids of the documents the one-shot template embeds as its example: not evaluated one-shot. */
  oneShotExamples: readonly string[];
  /**
   * The setting's documents; a setting whose gold has versions (`labelVersions`) reads the one asked for
   * (default `paper`), and its prompt's options follow that gold.
   */
  loadDocuments(release: Release, labels?: LabelVersion): Document<G>[];
  /** The gold versions of a setting that has several (CCA: src/release/views.ts); absent: one gold. */
  labelVersions?: readonly LabelVersion[];
  /**
   * The paper's protocol documents, where they are not every document of the shot (`docs`, in their order):
   * NER the open models' rows, RE a seeded sample (src/tasks/documents.ts). A live run takes these by default.
   */
  paperDocuments?(docs: readonly Document<G>[], release: Release, shot: Shot): Document<G>[];
  /** Every row of the release, where that is more than loadDocuments (HS-PN: data_release_full.json). */
  allDocuments?(release: Release): Document<G>[];
  /** What the paper's documents are, where the sets differ: `the open models' 1,000 rows (by the release's ID)`. */
  documentRule?: string;
  fromGeneration(row: Row): GenerationRow<G>;
  /** A row of the release's generated/ format holding `output`, which fromGeneration reads back. */
  toGeneration(doc: Document<G>, output: string, gold: G): Row;
  /**
   * A floor that needs no model: the output a trivial system writes for `doc`, knowing the setting's
   * other documents (`pool`, which includes `doc`: baselines must leave it out).
   */
  baseline(doc: Document<G>, pool: readonly Document<G>[]): string;
  parse(output: string): Parsed<P>;
  score(items: readonly ScoredItem<G, P>[], ctx: ScoringContext): Promise<DocScore[]>;
  aggregate(scores: readonly DocScore[]): Metrics;
  /**
   * How many of `scores` `aggregate` leaves out of its means (ROUGE-L: empty outputs, as the release did); none
   * when absent. A score shows how many it stands on (src/leaderboard/coverage.ts).
   */
  leftOut?(scores: readonly DocScore[]): number;
  /** The Table 4 number (0–1) among the metrics. */
  headline(metrics: Metrics): number;
  /** Readable forms of a gold answer and a parsed output, for terminals and Slack. */
  showGold(gold: G): string;
  showParsed(parsed: Parsed<P>): string;
  /** Gold against output item by item (lists, entities) or side by side (texts); labels by default. */
  compare?(gold: G, parsed: Parsed<P>): Comparison;
  /**
   * Why this document scores what it does (display only): the scorer's own intermediate values for `gold`
   * against `parsed`, read from `output` (the text parsed); `document` where known (ExamQA's other gold options).
   */
  explain?(item: ExplainItem<G, P>, ctx: ScoringContext): Promise<Explanation>;
  /**
   * A document made of free text typed by a user (the bot's conversational use), for the settings whose
   * input is one text. The other placeholders get the setting's defaults (e.g. the candidate list).
   */
  documentFromText?(text: string, release: Release): Document<G>;
  /** The prompt of a task that carries its own templates (task files); else the release's templates are filled. */
  prompt?(doc: Document<G>, shot: Shot): string;
  /** A released generation file of a declared task (`<dir>/<model folder>/<shot>_shot.json`), if there is one. */
  generationFile?(modelDir: string, shot: Shot): string | undefined;
  /**
   * A declared task's check of a generations file's rows (`file` as given) against its data: one problem each way
   * they disagree (src/tasks/task-file/generations.ts); empty when they agree.
   */
  checkGenerations?(rows: readonly Row[], file: string): { key: string; message: string }[];
  /** Task files only: where the task comes from, its licence and credit. */
  origin?: TaskOrigin;
  /** Task files only: published results to show beside our runs. */
  references?: readonly ReferenceRow[];
}

/** Tasks are declared with their own gold and prediction types and listed together as Task. */
export function defineTask<G, P>(task: Task<G, P>): Task {
  return task as unknown as Task;
}
