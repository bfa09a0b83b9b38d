// One document through one model (`run`), a user's own text (`ask`), and who asked for which run.
import { MAX_FREE_TEXT } from '../command/conversation.js';
import { UserError } from '../base/errors.js';
import { cutEcho } from '../base/suggest.js';
import { promptCut, scoredText, withOwnCounts } from '../evaluation/answer.js';
import { findDocument, findTask, nothingToFind } from '../evaluation/documents.js';
import { evaluationDocuments } from '../tasks/documents.js';
import { INCOMPLETE_SHOWN, type Generation, type ModelProvider } from '../models/provider.js';
import { findModel, loadModels, type Provider } from '../models/registry.js';
import { ReplayModel } from '../models/replay.js';
import { isPrivate, requireMayReceive } from '../policy/data-policy.js';
import { guardFreeText, recordFreeText } from '../privacy/free-text.js';
import { buildPrompt } from '../tasks/prompt.js';
import { DEFAULT_LABELS, otherLabels, type LabelVersion } from '../release/views.js';
import { keeps } from '../metrics/tokenizer/index.js';
import { rougeHighlight } from '../tasks/rouge-highlight.js';
import type { Comparison, Document, Metrics, Parsed, ScoringContext, Shot, Task } from '../tasks/types.js';
import type { Explanation } from '../tasks/explanation.js';
import { headlineFirst } from '../base/format.js';
import { allTasks } from '../../tasks/index.js';
import { aboutTask } from '../tasks/task-file/about.js';
import { sayingProviderFailure, type ServiceContext } from './context.js';

export interface RunRequest {
  task: string;
  model: string;
  /** A document id, the start of one, or `random`. */
  doc: string;
  shot: Shot;
  /** Told of each retry of a live model's request as it happens: the attempt that failed and why. */
  onRetry?: (failedAttempt: number, cause: string) => void;
}

export interface RunResult {
  /** `about`: a declared task's source and licence (aboutTask), shown with the run. */
  task: Pick<Task, 'id' | 'label' | 'title' | 'metric'> & { about?: string; private?: boolean };
  model: { alias: string; label: string; provider: Provider };
  shot: Shot;
  document: { id: string; text: string };
  gold: string;
  /** The answer: what was parsed and scored (a reasoning model's thinking taken out). */
  output: string;
  /** What a reasoning model thought before answering, shown apart (collapsed), never scored. */
  thinking?: string;
  /** How a live non-answer is named (`answered only in thinking`, `thinking cut off`...). */
  incomplete?: string;
  parse: { ok: boolean; problem?: string; shown: string };
  comparison: Comparison;
  /** Why this document scores what it does: the scorer's own counts (task.explain), where the task gives them. */
  explanation?: Explanation;
  /** This document's numbers, under the keys of the release's results/ files, the headline metric's key first. */
  metrics: Metrics;
  /** The Table 4 number of this one document (0–1). */
  score: number;
  /**
   * A setting whose gold has versions (CCA): `gold` and `score` are under the paper's labels (Table 4's); where
   * the re-reviewed gold of this document differs, it and the score under it (0–1) are given too.
   */
  otherGold?: { labels: LabelVersion; gold: string; score: number };
}

export interface AskRequest {
  task: string;
  /** Default: JCB_CHAT_MODEL, else the first model allowed free text. */
  model?: string;
  text: string;
  /** Send the text with its personal information masked (else it is refused for an external model). */
  masked?: boolean;
  /** The masked text the person was shown when they chose to send it: a text that would differ is not sent. */
  shown?: string;
  /** Who asked and where (`slack:C0123`, `cli`), for the audit row. */
  user?: string;
  origin?: string;
}

export interface AskResult {
  task: Pick<Task, 'id' | 'label' | 'title'>;
  model: { alias: string; label: string; provider: Provider };
  output: string;
  /** Why the answer is no answer, as shown (a tool call, a refusal with its words...), as RunResult's. */
  incomplete?: string;
  parse: { ok: boolean; problem?: string; shown: string };
  /** The masked text, when that is what the model received. */
  maskedText?: string;
}

/** A live non-answer as people read it (INCOMPLETE_SHOWN), a refusal with the model's words; undefined for an answer. */
const shownIncomplete = (g: Generation): string | undefined =>
  g.incomplete && `${INCOMPLETE_SHOWN[g.incomplete]}${g.refusal ? `: ${g.refusal.replace(/[.。]$/, '')}` : ''}`;

/** The document a `run` request names, among those the provider can answer for. */
function pickDocument(ctx: ServiceContext, task: Task, provider: ModelProvider, req: RunRequest): Document<unknown> {
  const candidates =
    provider instanceof ReplayModel
      ? [...provider.requireGenerations(task, req.shot, allTasks()).values()].flatMap((g) =>
          g.document ? [g.document] : [],
        )
      : evaluationDocuments(task, ctx.release([task]), req.shot);
  if (req.doc === 'random') {
    // Documents with nothing to find (an NER sentence without entities) only when asked for by id.
    const worth = candidates.filter((d) => !nothingToFind(d.gold));
    const pool = worth.length ? worth : candidates;
    return pool[Math.floor(ctx.random() * pool.length)];
  }
  const known = [...(task.loadDocuments(ctx.release([task])) as Document<unknown>[]), ...candidates];
  const doc = findDocument(known, req.doc, task);
  if (req.shot === 'one' && task.oneShotExamples.includes(doc.id)) {
    throw new UserError(
      `${task.id} document ${doc.id} is the example inside the one-shot prompt, so it is not evaluated one-shot.`,
      'Try it with --shot zero, or pick another document.',
    );
  }
  if (!candidates.some((d) => d.id === doc.id)) {
    throw new UserError(
      `${provider.config.alias} (replay) has no released ${req.shot}-shot generation for ${task.id} document ${doc.id}.`,
      `Documents it has include: ${candidates
        .slice(0, 3)
        .map((d) => d.id)
        .join(', ')} (or use "random").`,
    );
  }
  return doc;
}

/** The live model that may answer free text: the one asked for, else JCB_CHAT_MODEL, else the first allowed. */
function freeTextModel(ctx: ServiceContext, asked: string | undefined) {
  const allowed = loadModels(ctx.env).filter((m) => m.provider !== 'replay' && m.provider !== 'baseline' && m.freeText);
  // Empty is unset, as the settings table reads it.
  const alias = asked ?? (ctx.env.JCB_CHAT_MODEL || allowed[0]?.alias);
  const suggestion = allowed.length
    ? `Models allowed free text: ${allowed.map((m) => m.alias).join(', ')}.`
    : 'No model is allowed free text yet: ask whoever runs jcb to allow one.';
  // The operator's advice (the registry's file) for the terminal only: a person in Slack cannot edit it.
  const operator = allowed.length
    ? undefined
    : { hint: 'No model is allowed free text yet: set `freeText: true` on a live model in data/models.yml.' };
  if (!alias) throw new UserError('No model may answer free text.', suggestion, operator);
  const model = findModel(alias, ctx.env);
  if (model.provider === 'replay') {
    throw new UserError(
      `${model.alias} is replayed from the paper's outputs: it cannot answer new text.`,
      suggestion,
      operator,
    );
  }
  if (model.provider !== 'baseline' && !model.freeText) {
    // Where it would go is the operator's business (a server's address): named in a terminal only.
    throw new UserError(`${model.alias} is not allowed free text`, suggestion, {
      ...operator,
      detail: `it would send it to ${model.baseUrl ?? 'api.openai.com'}`,
    });
  }
  return model;
}

/**
 * The gold of a document under the other label version when it differs from the one scored (as a set: the
 * versions differ in 88 of CCA's 200 documents, data.csv vs data_old.csv), with the same parsed output's score
 * under it. Undefined for settings without versions and for documents whose two golds agree.
 */
async function otherVersionGold(
  ctx: ServiceContext,
  task: Task,
  id: string,
  gold: unknown,
  parsed: Parsed<unknown>,
): Promise<RunResult['otherGold']> {
  if (!task.labelVersions) return undefined;
  const labels = otherLabels(DEFAULT_LABELS);
  const other = (task.loadDocuments(ctx.release([task]), labels) as Document<unknown>[]).find((d) => d.id === id);
  if (!other || sameSet(other.gold, gold)) return undefined;
  const [docScore] = await task.score([{ gold: other.gold, parsed }], ctx.scoring);
  return { labels, gold: task.showGold(other.gold), score: task.headline(task.aggregate([docScore])) };
}

/**
 * `scoring` asking for each text once: a run's score, explanation and highlight tokenize the same two texts, and
 * each request to the pool is a round trip to a thread that, on a busy machine, waits for the CPU (issue 28).
 */
function tokenizingOnce(scoring: ScoringContext): ScoringContext {
  const known = new Map<string, Promise<string[]>>();
  return {
    tokenize(texts, keep = true) {
      // Each text not yet asked for, at its first index (whose `keep` it is asked with).
      const first = new Map<string, number>();
      texts.forEach((t, i) => known.has(t) || first.has(t) || first.set(t, i));
      const missing = [...first.keys()];
      if (missing.length) {
        const asked = scoring.tokenize(
          missing,
          [...first.values()].map((i) => keeps(keep, i)),
        );
        missing.forEach((t, i) =>
          known.set(
            t,
            asked.then((tokens) => tokens[i]),
          ),
        );
      }
      return Promise.all(texts.map((t) => known.get(t)!));
    },
  };
}

const sameSet = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b)
    ? new Set(a).size === new Set(b).size && a.every((x) => b.includes(x))
    : JSON.stringify(a) === JSON.stringify(b);

export function runServices(ctx: ServiceContext) {
  return {
    async run(req: RunRequest): Promise<RunResult> {
      const task = findTask(req.task);
      const model = findModel(req.model, ctx.env);
      requireMayReceive([task], model);
      const provider = ctx.providerOf(model);
      const doc = pickDocument(ctx, task, provider, req);
      const prompt = provider instanceof ReplayModel ? '' : buildPrompt(ctx.release([task]), task, doc, req.shot);
      const asked = await sayingProviderFailure(
        model.alias,
        provider.generate({ task, document: doc, shot: req.shot, prompt, onRetry: req.onRetry }),
      );
      const generation = withOwnCounts(promptCut(asked, prompt, model)?.generation ?? asked, prompt, model);
      const gold = generation.gold ?? doc.gold;
      const scoring = tokenizingOnce(ctx.scoring);
      // A non-answer (thinking only, a cut prompt...) is scored as the engine scores it: as an empty output.
      const parsed = task.parse(scoredText(generation)) as Parsed<unknown>;
      const [docScore] = await task.score([{ gold, parsed }], scoring);
      const metrics = headlineFirst(task.aggregate([docScore]), task.metric);
      const explanation = await task.explain?.(
        { gold, parsed, output: scoredText(generation), document: doc },
        scoring,
      );
      const comparison: Comparison = task.compare?.(gold, parsed) ?? {
        kind: 'labels',
        gold: task.showGold(gold),
        predicted: task.showParsed(parsed),
      };
      if (comparison.kind === 'texts' && comparison.output) {
        comparison.highlight = await rougeHighlight(comparison.gold, comparison.output, scoring);
      }
      const otherGold = await otherVersionGold(ctx, task, doc.id, gold, parsed);
      return {
        task: {
          id: task.id,
          label: task.label,
          title: task.title,
          metric: task.metric,
          about: aboutTask(task),
          private: isPrivate(task),
        },
        model: { alias: model.alias, label: model.label, provider: model.provider },
        shot: req.shot,
        document: { id: doc.id, text: doc.text },
        gold: task.showGold(gold),
        output: generation.output,
        thinking: generation.thinking,
        incomplete: shownIncomplete(generation),
        parse: { ok: parsed.ok, problem: parsed.problem, shown: task.showParsed(parsed) },
        comparison,
        explanation,
        metrics,
        score: task.headline(metrics),
        ...(otherGold ? { otherGold } : {}),
      };
    },

    /** A model's answer to a user's own text (no gold, so no score). Only live models allowed free text. */
    async ask(req: AskRequest): Promise<AskResult> {
      const task = findTask(req.task);
      if (!task.documentFromText) {
        const open = allTasks()
          .filter((t) => t.documentFromText)
          .map((t) => t.id);
        throw new UserError(
          `${task.id} does not take free text (its input has several parts).`,
          `Tasks that do: ${open.join(', ')}.`,
        );
      }
      if (Array.from(req.text).length > MAX_FREE_TEXT) {
        throw new UserError(
          `The text is ${Array.from(req.text).length.toLocaleString('en-US')} characters long; the limit is ${MAX_FREE_TEXT.toLocaleString('en-US')}.`,
        );
      }
      const model = freeTextModel(ctx, req.model);
      // The prompt of a private task (its template, a one-shot example) is the task's text too: refused whatever
      // the text, so before the text is looked at.
      requireMayReceive([task], model);
      // Nothing to send is the asker's slip (an empty message, nothing piped in), never a question for the model.
      if (!req.text.trim()) {
        const asked = `jcb ask ${cutEcho(req.task)} ${cutEcho(req.model ?? model.alias)}`;
        throw new UserError('No text to send: the text is empty.', 'Give the text to send.', {
          hint: `Give the text after the model (${asked} "…"), or pipe it in (echo "…" | ${asked} -).`,
        });
      }
      const guarded = await guardFreeText(req.text, model, req.masked ?? false, ctx.env, ctx.detect);
      if (req.shown !== undefined && guarded.text !== req.shown) {
        throw new UserError('Not sent: the text to send is no longer the one you were shown.', 'Send your text again.');
      }
      const doc = task.documentFromText(guarded.text, ctx.release([task])) as Document<unknown>;
      const generation = await sayingProviderFailure(
        model.alias,
        ctx.providerOf(model).generate({
          task,
          document: doc,
          shot: 'zero',
          prompt: buildPrompt(ctx.release([task]), task, doc, 'zero'),
        }),
      );
      const parsed = task.parse(generation.output) as Parsed<unknown>;
      const audit = { user: req.user ?? 'cli', origin: req.origin ?? 'cli', model: model.alias, original: req.text };
      await recordFreeText(await ctx.store(), { ...audit, guarded, answer: generation.output }, ctx.env);
      return {
        maskedText: guarded.applied === 'masked' ? guarded.text : undefined,
        task: { id: task.id, label: task.label, title: task.title },
        model: { alias: model.alias, label: model.label, provider: model.provider },
        output: generation.output,
        incomplete: shownIncomplete(generation),
        parse: { ok: parsed.ok, problem: parsed.problem, shown: task.showParsed(parsed) },
      };
    },

    /** Remembers who asked for a single-document run (App Home lists a person's recent ones). */
    async recordRequest(userId: string, origin: string, result: RunResult): Promise<void> {
      await (
        await ctx.store()
      ).recordRequest({
        user_id: userId,
        origin,
        task: result.task.id,
        model: result.model.alias,
        shot: result.shot,
        doc_id: result.document.id,
        score: result.score,
        created_at: new Date().toISOString(),
      });
    },

    recentRequests: async (userId: string, limit = 10) => (await ctx.store()).recentRequests(userId, limit),
  };
}
