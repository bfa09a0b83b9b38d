// The `jcb` program: parses argv with the shared grammar, calls the services, prints.
import { parseCommand, type Command } from '../command/grammar.js';
import { commandHelp, overview } from '../command/help.js';
import { packageVersion } from '../project.js';
import { UserError } from '../errors.js';
import { createServices, type Services } from '../services.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { progressPrinter } from './progress.js';
import { renderEstimate, renderModelRequest } from './render-request.js';
import {
  renderCheck,
  renderEval,
  renderLeaderboard,
  renderRun,
  renderRunSummary,
  renderRuns,
  renderRunsLeaderboard,
  renderScores,
  renderStatus,
  renderDigests,
  renderComparison,
  renderRatings,
  renderCorrelation,
  table,
} from './render.js';

const print = (text: string): void => void process.stdout.write(`${text}\n`);
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

async function execute(cmd: Command, services: Services): Promise<void> {
  switch (cmd.kind) {
    case 'help': {
      const width = Math.max(60, process.stdout.columns || Number(process.env.COLUMNS) || 80);
      return print(cmd.command ? commandHelp(cmd.command, 'terminal', width) : overview('terminal', width));
    }
    case 'version':
      return print(packageVersion());
    case 'tasks': {
      const tasks = services.tasks();
      return cmd.json
        ? printJson(tasks)
        : print(
            table(
              ['id', 'Table 4', 'metric', 'title'],
              tasks.map((t) => [t.id, t.label, t.metric, t.title]),
            ),
          );
    }
    case 'models': {
      if (cmd.alias) {
        const request = services.modelRequest(cmd.alias);
        return cmd.json ? printJson(request) : print(renderModelRequest(request));
      }
      const models = services.models();
      return cmd.json
        ? printJson(models)
        : print(
            table(
              ['alias', 'label', 'provider', 'source', 'usable'],
              models.map((m) => [m.alias, m.label, m.provider, m.source, m.usable ? 'yes' : `no: ${m.why}`]),
            ),
          );
    }
    case 'run': {
      const result = await services.run(cmd);
      return cmd.json ? printJson(result) : print(renderRun(result));
    }
    case 'score': {
      const rows = await services.score(cmd.target);
      return cmd.json
        ? printJson(rows.map(({ task, model, file, n, score, metrics }) => ({ task, model, file, n, score, metrics })))
        : print(renderScores(rows));
    }
    case 'leaderboard': {
      const board = await services.leaderboard(cmd.shot, cmd.source);
      if (cmd.chart) {
        writeFileSync(cmd.chart, services.leaderboardChart(board));
        process.stderr.write(`Chart written to ${cmd.chart}.\n`);
      }
      if (cmd.source === 'runs') {
        let paper;
        try {
          paper = await services.leaderboard(cmd.shot, 'paper');
        } catch (err) {
          if (!(err instanceof UserError)) throw err; // no release: the stored runs alone
        }
        return cmd.json ? printJson({ runs: board, paper }) : print(renderRunsLeaderboard(board, paper));
      }
      return cmd.json ? printJson(board) : print(renderLeaderboard(board));
    }
    case 'eval': {
      if (cmd.dryRun) {
        const estimate = await services.estimate(cmd);
        return cmd.json ? printJson(estimate) : print(renderEstimate(estimate));
      }
      if (cmd.queue && cmd.maxCost !== undefined)
        throw new UserError('--max-cost limits a run in this terminal, not a queued one.', 'Leave out --queue.');
      if (cmd.queue) {
        const queued = await services.enqueueEvaluation(cmd);
        if (cmd.json) return printJson(queued);
        return print(
          `Run ${queued.run.id} queued: ${queued.documents} documents in ${queued.jobs} jobs.\n` +
            `Workers take them: \`jcb worker\` (any number, on any machine with the same REDIS_URL and store). ` +
            `Follow it with \`jcb status ${queued.run.id}\`.`,
        );
      }
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const bar = progressPrinter();
      try {
        const result = await services.evaluate(cmd, (p) => bar.update(p), controller.signal);
        bar.end();
        if (result.interrupted) {
          const budget = result.spentUsd !== undefined && !controller.signal.aborted;
          process.stderr.write(
            `${budget ? `Stopped: --max-cost $${cmd.maxCost} reached ($${result.spentUsd!.toFixed(4)} spent).` : 'Interrupted.'} Resume with: jcb eval ${cmd.task} ${cmd.model} --shot ${cmd.shot}${cmd.limit ? ` --limit ${cmd.limit}` : ''} --run ${result.run.id}\n`,
          );
          process.exitCode = budget ? 75 : 130; // 75: EX_TEMPFAIL, to be continued
          return;
        }
        return cmd.json ? printJson(result) : print(renderEval(result, await services.storeLocation()));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    }
    case 'runs': {
      const runs = await services.runs();
      return cmd.json ? printJson(runs) : print(renderRuns(runs));
    }
    case 'show': {
      const run = await services.show(cmd.runId);
      return cmd.json ? printJson(run) : print(renderRunSummary(run));
    }
    case 'export': {
      const files = await services.exportRun(cmd.runId, cmd.dir);
      const generated = files.find((f) => f.includes(`${path.sep}generated${path.sep}`));
      const root = generated
        ? generated.slice(0, generated.indexOf(`${path.sep}generated${path.sep}`) + '/generated'.length)
        : cmd.dir;
      return print(`${files.map((f) => `wrote ${f}`).join('\n')}\nRe-score with: jcb score ${root}`);
    }
    case 'models-add': {
      const model = services.addModel(cmd.alias, cmd.entry);
      return print(`Added ${model.alias} (${model.provider}) to the model registry.`);
    }
    case 'data-pull': {
      const dir = services.pullData(cmd.dir);
      print(`The release is in ${dir}.\nexport JCB_DATA_DIR=${dir}`);
      return;
    }
    case 'bot':
    case 'worker':
      return; // long-running: started by main()
    case 'status': {
      const runs = await services.status(cmd.runId);
      return cmd.json ? printJson(runs) : print(renderStatus(runs));
    }
    case 'compare': {
      const rows = await services.compare(cmd.a, cmd.b, cmd.task, cmd.shot);
      return cmd.json ? printJson(rows) : print(renderComparison(cmd.a, cmd.b, rows));
    }
    case 'ratings': {
      if (cmd.correlate) {
        const corr = await services.correlate(cmd.task);
        return cmd.json ? printJson(corr) : print(renderCorrelation(corr));
      }
      const report = await services.ratings(cmd.task, cmd.byModel);
      return cmd.json ? printJson(report) : print(renderRatings(report));
    }
    case 'judge': {
      const r = await services.judgeRun(cmd.runId, cmd.judge);
      return print(
        `${r.judged} outputs of run ${cmd.runId} judged by ${r.judge} (rubric ${r.rubric}), stored beside ROUGE-L.`,
      );
    }
    case 'digest': {
      const digests = await services.digest(cmd.schedule);
      return cmd.json ? printJson(digests) : print(renderDigests(digests));
    }
    case 'cancel': {
      const { run, removedJobs } = await services.cancel(cmd.runId);
      return print(
        `Run ${run.id} cancelled (${removedJobs} waiting jobs removed); its finished documents stay stored.`,
      );
    }
    case 'data-check': {
      const checks = services.checkData();
      return cmd.json ? printJson(checks) : print(renderCheck(checks));
    }
  }
}

/** Starts the Slack bot; it runs until the process is stopped. Bolt is loaded only for this command. */
async function startBot(): Promise<void> {
  const { createBot } = await import('../../handlers/app.js');
  const bot = createBot(process.env);
  await bot.start();
  const mode = bot.config.appToken ? 'Socket Mode' : `HTTP on port ${bot.config.port} (POST /slack/events)`;
  process.stderr.write(`jcb bot: listening, ${mode}.\n`);
  const stop = () => void bot.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Takes evaluation jobs until stopped; a stopped worker's job is taken again by another. */
async function startWorker(
  services: ReturnType<typeof createServices>,
  concurrency: number | undefined,
): Promise<void> {
  await services.storeLocation(); // fails now, with a clear message, if the store cannot be opened
  await services.startWorker(concurrency ?? 2, (m) => process.stderr.write(`jcb worker: ${m}\n`));
  process.stderr.write(`jcb worker: taking evaluation jobs (${concurrency ?? 2} at a time).\n`);
  const stop = () => void services.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function main(argv: string[]): Promise<number> {
  let cmd: Command | undefined;
  const services = createServices();
  try {
    cmd = parseCommand(argv, { face: 'terminal' });
    if (cmd.kind === 'bot') {
      await startBot();
      return 0;
    }
    if (cmd.kind === 'worker') {
      await startWorker(services, cmd.concurrency);
      return 0;
    }
    await execute(cmd, services);
    return Number(process.exitCode ?? 0); // an interrupted or budget-stopped run sets its own
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`jcb: ${err.message}${err.hint ? ` ${err.hint}` : ''}\n`);
      return 1;
    }
    process.stderr.write(`jcb: unexpected error: ${(err as Error).message}\n`);
    if (process.env.JCB_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 2;
  } finally {
    if (cmd?.kind !== 'bot' && cmd?.kind !== 'worker') await services.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
