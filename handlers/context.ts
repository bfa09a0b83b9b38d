// What every listener gets: the core services, the safety guards, and posting helpers.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { idleCollector } from '../src/base/idle-collect.js';
import type { WebClient } from '@slack/web-api';
import type { EvalCommand, RunRequest, Services } from '../src/services/index.js';
import { progressMessage } from './blocks/progress.js';
import { notePosted } from './progress.js';
import { rateMessage } from './blocks/rating.js';
import { outputHash, RATED_TASKS } from '../src/ratings/ratings.js';
import type { Message } from './blocks/run.js';
import { runParent, runReplies } from './blocks/run.js';
import { joined, splitBlocks } from './blocks/text.js';
import type { BotConfig } from './config.js';
import { Safety } from './safety.js';
import { GuestBook } from './guests.js';
import { Semaphore } from '../src/models/limits.js';
import { authorize, may, type Act } from '../src/policy/acts.js';
import { mayReceive } from '../src/policy/data-policy.js';
import { privateRun } from './blocks/private.js';
import { cannotAnswerIn, refusal, refusedAs } from './refusals.js';

/** A listener of the registry (handlers/index.ts): what it answers and which acts it can lead to. */
export interface Listener {
  kind: 'command' | 'action' | 'view' | 'shortcut' | 'event' | 'message';
  /** The command, action id, callback id or event type (`im` for direct messages). */
  id: string;
  acts: readonly Act[];
  handler: (args: never) => Promise<void>;
}

export interface BotContext {
  services: Services;
  safety: Safety;
  /** The settings, with `guest` reading `guests` (the acts table's policy: `authorize(act, asker, ctx.config)`). */
  config: BotConfig;
  /** Who is a guest of the workspace, as Slack said (handlers/guests.ts). */
  guests: GuestBook;
  /** The bot's own user id (auth.test): its mention is not part of what people say to it. */
  botUserId?: string;
  /**
   * Runs work after a request has been acknowledged, a few at a time: a burst of requests is then
   * acknowledged at once instead of waiting behind each other's work. A work holds its slot for at most
   * `SLOT_LEASE_MS` and goes on without it, so no work waits longer than that behind others (a Slack call
   * waiting out a rate limit, a live model, a hung request would otherwise hold the slots for ever).
   * `light` work (a replayed model's or the baseline's run, help: milliseconds of CPU between two Web API
   * calls) has slots of its own, many more, so it never queues behind live models, charts or evaluations.
   * `weight` given as a function is weighed after the acknowledgement's turn (it reads the model registry).
   */
  afterAck<T>(work: () => Promise<T>, weight?: Weight | (() => Weight)): Promise<T>;
}

const WORK_IN_PARALLEL = 4;
/**
 * Light works at once: enough that 30 people running replays at once all go (issue 28: thread p95 ≤ 1.5 s at 30);
 * a bound all the same, so that a flood of them holds a bounded memory and the first ones finish first.
 */
const LIGHT_IN_PARALLEL = 32;
/** How long a work keeps its slot: well within the 30 minutes a slash command's response_url lasts. */
export const SLOT_LEASE_MS = 5_000;

/**
 * `work` run in one of `slots`, which it gives back when it settles or after `leaseMs`, whichever is first;
 * its own result either way.
 */
export async function leased<T>(slots: Semaphore, leaseMs: number, work: () => Promise<T>): Promise<T> {
  let result!: Promise<T>;
  await slots.use(() => {
    result = work();
    let timer: NodeJS.Timeout | undefined;
    const lease = new Promise<void>((resolve) => (timer = setTimeout(resolve, leaseMs)));
    return Promise.race([result.then(noop, noop), lease]).finally(() => clearTimeout(timer));
  });
  return result;
}

const noop = () => {};

export function createContext(
  services: Services,
  config: BotConfig,
  botUserId?: string,
  leaseMs = SLOT_LEASE_MS,
): BotContext {
  const slots = new Semaphore(WORK_IN_PARALLEL);
  const lightSlots = new Semaphore(LIGHT_IN_PARALLEL);
  // A second after the last work, the garbage of the works goes (src/base/idle-collect.ts).
  const idle = idleCollector();
  const guests = new GuestBook(config.lookupMs);
  return {
    services,
    safety: new Safety(config),
    config: { ...config, guest: guests.guest },
    guests,
    botUserId,
    // setImmediate first: the acknowledgement's response is written before any work starts.
    afterAck: (work, weight) => {
      idle.begin();
      return nextTurn()
        .then(() =>
          leased((typeof weight === 'function' ? weight() : weight) === 'light' ? lightSlots : slots, leaseMs, work),
        )
        .finally(idle.end);
    },
  };
}

/**
 * Live models are the expensive ones: replays and the baseline are open to all. `models`: the registry's list when
 * the caller already has it; else only `alias`'s provider is read (no model's availability checked).
 */
export function isExpensive(ctx: BotContext, alias: string, models?: ReturnType<Services['models']>): boolean {
  const provider = models
    ? models.find((m) => m.alias === alias.toLowerCase())?.provider
    : ctx.services.modelProvider(alias);
  return provider !== undefined && provider !== 'replay' && provider !== 'baseline';
}

/** How afterAck weighs a work: `light` (milliseconds of CPU), or undefined (any other). */
type Weight = 'light' | undefined;

/**
 * How `afterAck` weighs a run of `model`: light unless a live model answers it; not light when the registry cannot
 * be read (the work then says why, in its own slot).
 */
export function runWeight(ctx: BotContext, model: string): Weight {
  try {
    return isExpensive(ctx, model) ? undefined : 'light';
  } catch {
    return undefined;
  }
}

/**
 * Posts a message (in `threadTs`'s thread when given). Blocks holding more text than Slack takes in one
 * message go on in the thread, in order (splitBlocks); the first message's answer is returned.
 */
export async function post(client: WebClient, channel: string, message: Message, threadTs?: string) {
  const [first, ...rest] = splitBlocks(message.blocks);
  // A refusal of Slack's (not_in_channel, invalid_blocks…) is thrown as what to do (handlers/refusals.ts).
  const send = (blocks: Message['blocks'], thread?: string) =>
    refusedAs({ channel }, () =>
      client.chat.postMessage({ channel, text: message.text, blocks, thread_ts: thread, unfurl_links: false }),
    );
  const posted = await send(first, threadTs);
  for (const blocks of rest) await send(blocks, threadTs ?? posted.ts);
  return posted;
}

/**
 * Posts a message only `user` sees, split as `post` splits (ephemeral messages cannot be threaded under,
 * so every part goes where the first went, in order: the buttons of an offer come last).
 */
export async function postEphemeral(
  client: WebClient,
  at: { channel: string; user: string; threadTs?: string },
  message: Message,
) {
  for (const blocks of splitBlocks(message.blocks))
    await refusedAs({ channel: at.channel }, () =>
      client.chat.postEphemeral({
        channel: at.channel,
        user: at.user,
        thread_ts: at.threadTs,
        text: message.text,
        blocks,
      }),
    );
}

/** Refuses (UserError, answered ephemerally) unless the user started run `runId` or is an admin. */
export async function requireOwner(
  ctx: BotContext,
  runId: string,
  userId: string,
  act: 'cancel' | 'requeue' | 'judge',
): Promise<void> {
  const run = await ctx.services.findRun(runId);
  authorize(act, { user: userId, run: run ?? undefined }, ctx.config);
}

/** Queues a full evaluation and posts its progress message, which the progress tracker keeps current. */
export async function evaluateInBackground(
  ctx: BotContext,
  client: WebClient,
  channel: string,
  userId: string,
  cmd: EvalCommand,
  /** Told the run's id as soon as it is queued (before anything is posted): a one-time button's outcome. */
  onQueued?: (runId: string) => Promise<void>,
) {
  const data = ctx.services.dataContext(cmd.task, cmd.model);
  authorize(isExpensive(ctx, cmd.model) ? 'eval-live' : 'eval-replay', { user: userId, channel, data }, ctx.config);
  if (cmd.runId) await requireOwner(ctx, cmd.runId, userId, 'requeue');
  // Nothing is queued where its progress could not be shown (a private channel or DM the bot is not in, an
  // archived one): one quick question to Slack first.
  const unreachable = await cannotAnswerIn(client, channel);
  if (unreachable) throw unreachable;
  const queued = await ctx.services.enqueueEvaluation({ ...cmd, startedBy: userId });
  await onQueued?.(queued.run.id);
  const audited = { user: userId, act: 'eval --queue', model: cmd.model, place: `slack:${channel}` };
  await ctx.services.auditPrivate(JSON.parse(queued.run.tasks) as string[], audited);
  const [progress] = await ctx.services.status(queued.run.id);
  // The run is queued: a refusal to post its progress names it, so that nobody queues it again.
  const posted = await post(client, channel, progressMessage(progress)).catch((err: unknown) => {
    const id = queued.run.id;
    const around = {
      before: `Run ${id} is queued, but its progress cannot be shown here.`,
      after: `Follow it with \`/jcb status ${id}\` (do not start another).`,
    };
    throw refusal(err, { channel }, around) ?? err;
  });
  notePosted(progress);
  await ctx.services.watch(queued.run.id, `slack:${channel}`, posted.ts!);
  return queued;
}

/**
 * Runs one document and posts it: a parent message in the channel, the details as thread replies; asked in a
 * thread (`threadTs`: a mention's), the parent and its details all go into that thread.
 */
export async function runInThread(
  ctx: BotContext,
  client: WebClient,
  channel: string,
  userId: string,
  req: RunRequest,
  threadTs?: string,
) {
  const asker = { user: userId, channel };
  const data = ctx.services.dataContext(req.task, req.model);
  // The registry read once for the request (each read checks every model's availability).
  const registry = ctx.services.models();
  const live = isExpensive(ctx, req.model, registry);
  authorize(live ? 'run-live' : 'run-replay', { ...asker, data }, ctx.config);
  // A live model's answer costs: not asked for where it could not be posted (one quick question to Slack; a
  // replay's run, milliseconds of CPU, goes without it and the post says any refusal).
  const unreachable = live ? await cannotAnswerIn(client, channel) : undefined;
  if (unreachable) throw unreachable;
  const result = await ctx.services.run(req);
  // Recorded before posting (App Home may be opened as soon as the thread appears), both at once.
  await Promise.all([
    ctx.services.auditPrivate([req.task], { user: userId, act: 'run', model: req.model, place: `slack:${channel}` }),
    ctx.services.recordRequest(userId, `slack:${channel}`, result),
  ]);
  // The other-model menu offers what the person may run (the acts table) and the task's text may go to.
  const policies = ctx.services.dataPolicies();
  const models = registry
    .filter((m) => may(isExpensive(ctx, m.alias, registry) ? 'run-live' : 'run-replay', asker, ctx.config))
    .filter((m) => !data || mayReceive(data.task, { ...m, dataPolicy: policies[m.alias] }))
    .map((m) => ({ alias: m.alias, label: m.label }));
  // A private task: ids, scores and marks only, with the terminal command that shows the text.
  if (result.task.private) {
    await post(client, channel, privateRun(result, models), threadTs);
    return result;
  }
  const parent = await post(client, channel, runParent(result, models), threadTs);
  // The details and, for generated texts, the rating offer (read by the people of the thread) follow the parent in
  // order, in as few messages as Slack's limits allow: usually one call for all of them (issue 28).
  const rated = RATED_TASKS.includes(result.task.id)
    ? [
        rateMessage({
          task: result.task.id,
          model: result.model.alias,
          doc: result.document.id,
          hash: outputHash(result.output),
        }),
      ]
    : [];
  await post(client, channel, joined([...runReplies(result), ...rated]), threadTs ?? parent.ts);
  return result;
}
