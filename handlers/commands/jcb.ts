// `/jcb ...`: the shared grammar; acknowledged at once, then the work, then the answer.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand, splitWords, type Command } from '../../src/command/grammar.js';
import { UserError } from '../../src/base/errors.js';
import { packageVersion } from '../../src/base/project.js';
import { errorText, isUnexpected } from '../blocks/answers.js';
import { helpMessage } from '../blocks/help.js';
import type { Message } from '../blocks/run.js';
import { leaderboardMessage, listMessage } from '../blocks/tables.js';
import {
  evaluateInBackground,
  isExpensive,
  post,
  requireOwner,
  runInThread,
  runWeight,
  type BotContext,
} from '../context.js';
import { digestMessage } from '../blocks/digest.js';
import { batchItemMessage } from '../blocks/rating.js';
import { compareMessage, ratingsMessage } from '../blocks/tables.js';
import { progressMessage } from '../blocks/progress.js';
import { cancelSummary } from '../../src/base/format.js';
import { codeText, cut, fitItems, LIMITS, message } from '../blocks/text.js';
import { costConfirmation, dryRunMessage } from '../actions/confirm-cost.js';
import { renderAuditReport } from '../../src/privacy/audit-table.js';
import { authorize } from '../../src/policy/acts.js';
import { commandView } from '../../src/policy/access-audit.js';
import { COMMANDS_BY_NAME } from '../../src/command/commands.js';
import { withRetryBudget } from '../../src/store/retry.js';

/** How long a /jcb answer waits for a store that is away (retried) before saying it is unavailable. */
export const ANSWER_STORE_RETRY_MS = 10_000;
import { postTarget } from '../channels.js';
import { fromSlack } from '../slack-text.js';
import { cannotAnswerIn, refusedAs } from '../refusals.js';

const codeBlock = (s: string) => `\`\`\`\n${codeText(s)}\n\`\`\``;

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** Commands answered from what the bot holds, in milliseconds (see afterAck). */
const LIGHT = new Set<Command['kind']>(['help', 'version', 'tasks', 'models']);

export function jcbCommand(ctx: BotContext) {
  const weightOf = (cmd: Command) =>
    cmd.kind === 'run' ? runWeight(ctx, cmd.model) : LIGHT.has(cmd.kind) ? ('light' as const) : undefined;

  /** The answer to a parsed command: a message for the person, or work done in a thread (undefined). */
  async function answer(
    cmd: Command,
    { command, client }: Args,
  ): Promise<(Message & { response_type: string }) | undefined> {
    const asker = { user: command.user_id, channel: command.channel_id };
    switch (cmd.kind) {
      case 'help':
        return { response_type: 'ephemeral', ...helpMessage(cmd.command) };
      case 'version':
        return { response_type: 'ephemeral', text: `jcb ${packageVersion()}`, blocks: [] };
      case 'tasks':
        return {
          response_type: 'ephemeral',
          ...listMessage('Tasks', [
            ['id', 'label', 'metric', 'source'],
            ...ctx.services
              .tasks()
              .map((t) => [
                t.id,
                t.label,
                t.metric,
                t.licence ? `${t.source}, ${t.licence}${t.nonCommercial ? ' (non-commercial)' : ''}` : t.source,
              ]),
          ]),
        };
      case 'models':
        return {
          response_type: 'ephemeral',
          ...listMessage('Models', [
            ['alias', 'provider', 'usable'],
            ...ctx.services.models().map((m) => [m.alias, m.provider, m.usable ? 'yes' : `no: ${m.said}`]),
          ]),
        };
      case 'run':
        await runInThread(ctx, client, command.channel_id, command.user_id, cmd);
        return undefined;
      case 'leaderboard': {
        const board = await ctx.services.leaderboard(cmd.shot, cmd.source, cmd.labels);
        if (!cmd.post) return { response_type: 'in_channel', ...leaderboardMessage(board) };
        const target = await postTarget(ctx, client, cmd.post, command.user_id, command.channel_id);
        const posted = await post(client, target, leaderboardMessage(board));
        // Shown in the target channel: recorded there (scores only), not where it was asked.
        const shown = { user: command.user_id, act: '/jcb leaderboard --post', place: `slack:${target}` };
        await ctx.services.auditPrivate(
          board.columns.map((c) => c.id),
          { ...shown, view: 'scores' },
        );
        const file = await ctx.services.leaderboardChart(board, cmd.view);
        await refusedAs({ channel: target }, () =>
          client.filesUploadV2({
            channel_id: posted.channel ?? target,
            file,
            filename: `jcb-leaderboard-${board.source}-${board.shot}-shot.png`,
            title: `J-ClinicalBench leaderboard (${board.source}, ${board.shot}-shot)`,
          }),
        );
        return { response_type: 'ephemeral', text: `Leaderboard posted to <#${target}>, with its chart.`, blocks: [] };
      }
      case 'eval': {
        // Asked before the cost is shown: what is confirmed is then queued, never refused.
        authorize(isExpensive(ctx, cmd.model) ? 'eval-live' : 'eval-replay', asker, ctx.config);
        if (cmd.runId) await requireOwner(ctx, cmd.runId, command.user_id, 'requeue');
        if (cmd.dryRun) return { response_type: 'ephemeral', ...(await dryRunMessage(ctx, cmd)) };
        // A cost offer only where the run could be queued: the place refused now as every act refuses it, not
        // after Confirm (an archived channel, a private one the bot is not in).
        if (isExpensive(ctx, cmd.model)) {
          const unreachable = await cannotAnswerIn(client, command.channel_id);
          if (unreachable) throw unreachable;
        }
        const confirmation = await costConfirmation(ctx, cmd, command.user_id);
        if (confirmation) return { response_type: 'ephemeral', ...confirmation };
        await evaluateInBackground(ctx, client, command.channel_id, command.user_id, cmd);
        return undefined;
      }
      case 'status': {
        const [runs, total] = await Promise.all([
          ctx.services.status(cmd.runId, { all: cmd.all }),
          cmd.runId ? 1 : ctx.services.statusTotal({ all: cmd.all }),
        ]);
        if (runs.length === 0) return { response_type: 'ephemeral', text: 'No evaluations under way.', blocks: [] };
        const shown = runs.map(progressMessage);
        // Cut by a count (the service's few) or by Slack's limits: the last line says so (fitItems).
        const more = cmd.all
          ? { noun: 'runs (the latest first)', rest: '`/jcb status <run>` for one, `jcb runs` in a terminal for all' }
          : { noun: 'runs under way', rest: '`/jcb status --all`' };
        return {
          response_type: 'ephemeral',
          text: cut(shown.map((m) => m.text).join('\n'), LIMITS.messageText),
          blocks: fitItems(
            shown.map((m) => m.blocks),
            { total, ...more },
          ),
        };
      }
      case 'ratings': {
        if (cmd.batch) {
          authorize('rate', asker, ctx.config);
          const first = await ctx.services.nextToRate(command.user_id, cmd.task!);
          if (!first) return { response_type: 'ephemeral', ...message(`You have rated every output of ${cmd.task}.`) };
          return { response_type: 'ephemeral', ...batchItemMessage(first, 0) };
        }
        if (cmd.correlate) {
          const c = await ctx.services.correlate(cmd.task);
          const num = (x: number | null) => (x === null ? '–' : x.toFixed(3));
          return {
            response_type: 'in_channel',
            ...listMessage('Spearman correlation with the human ratings', [
              ['criterion', 'outputs', 'LLM judge', 'ROUGE-L'],
              ...Object.entries(c).map(([k, v]) => [k, String(v.n), num(v.judge), num(v.rougeL)]),
            ]),
          };
        }
        return { response_type: 'in_channel', ...ratingsMessage(await ctx.services.ratings(cmd.task, cmd.byModel)) };
      }
      case 'judge': {
        await requireOwner(ctx, cmd.runId, command.user_id, 'judge');
        const r = await ctx.services.judgeRun(cmd.runId, cmd.judge);
        return {
          response_type: 'in_channel',
          ...message(`${r.judged} outputs of run ${cmd.runId} judged by ${r.judge} (rubric ${r.rubric}).`),
        };
      }
      case 'compare': {
        const rows = await ctx.services.compare(cmd.a, cmd.b, cmd.task, cmd.shot, cmd.labels);
        return { response_type: 'in_channel', ...compareMessage(cmd.a, cmd.b, rows) };
      }
      case 'digest': {
        authorize('digest', asker, ctx.config);
        for (const d of await ctx.services.digest(cmd.schedule, cmd.labels))
          await post(client, d.channel, digestMessage(d));
        return { response_type: 'ephemeral', text: 'Digest posted.', blocks: [] };
      }
      case 'audit': {
        authorize('audit', asker, ctx.config);
        return {
          response_type: 'ephemeral',
          text: codeBlock(renderAuditReport(await ctx.services.audit(30))),
          blocks: [],
        };
      }
      case 'cancel': {
        await requireOwner(ctx, cmd.runId, command.user_id, 'cancel');
        const { run, removedJobs, heldJobs } = await ctx.services.cancel(cmd.runId);
        return { response_type: 'in_channel', ...message(cancelSummary(run.id, removedJobs, heldJobs)) };
      }
      default: {
        const name = cmd.kind.replace('-', ' ');
        throw new UserError(`"${name}" runs in a terminal: \`npx jcb ${name} …\`.`);
      }
    }
  }

  return async (args: Args) => {
    const { command, ack, respond, logger } = args;
    let cmd: Command;
    try {
      // As typed: Slack's entities undone; a channel reference keeps its id for `--post`.
      cmd = parseCommand(splitWords(fromSlack(command.text, { channels: 'keep' })), { face: 'slack' });
    } catch (err) {
      await ack({ response_type: 'ephemeral', text: errorText(err) });
      return;
    }
    await ack();
    await ctx.afterAck(
      async () => {
        try {
          // One access scope per command: the private tasks it reaches recorded as its `privateData` says.
          const name = cmd.kind.replace('-', ' ');
          const view = commandView(COMMANDS_BY_NAME.get(name)?.privateData ?? 'none', 'slack');
          const who = { user: command.user_id, act: `/jcb ${name}`, place: `slack:${command.channel_id}` };
          // A store that is away is said within ~10 s (the store's one reading of the error, for Slack), not after 30.
          const message = await withRetryBudget(ANSWER_STORE_RETRY_MS, () =>
            ctx.services.accessScope(who, view, () => answer(cmd, args)),
          );
          if (message) await respond(message as never);
        } catch (err) {
          if (isUnexpected(err)) logger.error(err);
          await respond({ response_type: 'ephemeral', text: errorText(err) });
        }
      },
      () => weightOf(cmd),
    );
  };
}
