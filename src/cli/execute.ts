// What each `jcb` command does in a terminal: calls services, prints. program.ts loads it (not for help, --version).
import type { Command } from '../command/grammar.js';
import { UserError } from '../base/errors.js';
import { createServices, type Services } from '../services/index.js';
import { checkEnv } from '../services/env.js';
import { checkNeeded } from '../services/needed-settings.js';
import { asStoreError } from '../store/errors.js';
import { storeLocation } from '../store/store.js';
import { checkStorePath } from '../store/path-check.js';
import { NoReleaseError } from '../release/data-dir.js';
import { preparePaths, type PreparedPaths } from '../base/paths.js';
import { pathArguments } from '../command/paths.js';
import { startBot, startWorker } from './serve.js';
import { schedulesPath } from '../queue/schedules.js';
import { failureCause } from '../evaluation/failure-cause.js';
import { COMMANDS_BY_NAME, servicesOf } from '../command/commands.js';
import { commandView } from '../policy/access-audit.js';
import { cancelSummary } from '../base/format.js';
import path from 'node:path';
import { renderModelRequest } from './render-request.js';
import { renderAuditReport } from '../privacy/audit-table.js';
import { evalCommand } from './eval-command.js';
import { rescoreCommand } from './rescore-hint.js';
import { askCommand, phiCommand } from './free-text.js';
import { loadedTasks } from '../../tasks/index.js';
import {
  claimStandardOutput,
  markedPrivate,
  printLine,
  writeFileOrOutput,
  formatOf,
  writeOutput,
  type Tabular,
} from './output.js';
import { boardTable, comparisonTable, scoreTable } from './output-tables.js';
import { renderDataCheck, renderDoctor, renderTasks, runJson } from './render-more.js';
import { problemLine } from '../tasks/task-file/load.js';
import {
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
} from './render.js';
import { table } from '../base/table.js';
import { jsonForPeople } from '../base/shown.js';
import { terminalText } from './terminal-text.js';

const print = printLine;
/** git's progress (carriage returns redrawing one line) is for a terminal; a log gets none of it. */
export const gitProgress = (text: string): void => void (process.stderr.isTTY && process.stderr.write(text));
/** Failure text in it as the terminal shows failures (the operator's fix written out, never its marker). */
const printJson = (value: unknown) => print(jsonForPeople(value, 'terminal'));

/** `-o` of a board or comparison: refused for a private task without --include-private, else marked private. */
function writeFor(
  services: Services,
  cmd: { output?: string; format?: string; includePrivate?: boolean },
  tasks: string[],
  data: Tabular,
) {
  const marked = services.mayWrite(tasks, cmd.includePrivate, '-o');
  writeOutput(cmd.output!, marked ? markedPrivate(data) : data, formatOf(cmd.output!, cmd.format));
}

/** `execute` as one request of the terminal: the private tasks it reaches recorded as its `privateData` says. */
function executeAudited(cmd: Command, services: Services): Promise<void> {
  const name = cmd.kind.replace('-', ' ');
  const view = commandView(COMMANDS_BY_NAME.get(name)?.privateData ?? 'none', 'terminal');
  return services.accessScope({ user: 'terminal', act: name, place: 'terminal' }, view, () => execute(cmd, services));
}

async function execute(cmd: Command, services: Services): Promise<void> {
  switch (cmd.kind) {
    case 'tasks': {
      const tasks = services.tasks();
      const problems = services.taskFileProblems();
      if (cmd.json) {
        // The files left out are in the JSON as in the text, and on stderr for the person running it.
        for (const p of problems) process.stderr.write(`${terminalText(problemLine(p))}\n`);
        return printJson({ tasks, problems });
      }
      print(
        renderTasks(
          tasks,
          problems.map((p) => problemLine(p)),
        ),
      );
      return;
    }
    case 'tasks-check': {
      const checked = services.checkTaskFile(cmd.file);
      if (!checked.problems.length)
        return print(`${cmd.file}: ${checked.id}, ${checked.documents} documents: no problems.`);
      print(checked.problems.map((p) => problemLine(p)).join('\n'));
      process.exitCode = 1;
      return;
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
              // Narrow screens lose the label first (the alias names the model), then where it comes from.
              { priority: [5, 1, 4, 2, 4] },
            ),
          );
    }
    case 'run': {
      // A live model's retries are said as they happen, rather than minutes of silence.
      const onRetry = (n: number, cause: string) =>
        process.stderr.write(`jcb: ${cmd.model}: attempt ${n} failed (${failureCause(cause)}); retrying…\n`);
      const result = await services.run({ ...cmd, onRetry });
      await services.auditPrivate([cmd.task], { user: 'terminal', act: 'run', model: cmd.model, place: 'terminal' });
      return cmd.json ? printJson(result) : print(renderRun(result));
    }
    case 'score': {
      const order = (id: string) => loadedTasks().findIndex((t) => t.id === id);
      // This thread has nothing else to do meanwhile: it scores beside the pool's threads, in place of one.
      const rows = (await services.score(cmd.target, cmd.labels, true)).sort((a, b) => order(a.task) - order(b.task));
      const json = rows.map(({ task, model, file, n, score, metrics, matchesRelease }) => ({
        task,
        model,
        file,
        n,
        score,
        metrics,
        matchesRelease,
      }));
      if (cmd.output) writeOutput(cmd.output, scoreTable(rows, json, cmd.target), formatOf(cmd.output, cmd.format));
      return cmd.json ? printJson(json) : print(renderScores(rows));
    }
    case 'leaderboard': {
      const board = await services.leaderboard(cmd.shot, cmd.source, cmd.labels);
      if (cmd.chart) {
        const format = formatOf(cmd.chart, cmd.format) === 'svg' ? 'svg' : 'png';
        writeFileOrOutput(cmd.chart, await services.leaderboardChart(board, cmd.view ?? 'bars', format));
        if (cmd.chart !== '-') process.stderr.write(`Chart written to ${cmd.chart}.\n`);
      }
      if (cmd.output)
        writeFor(
          services,
          cmd,
          board.columns.map((c) => c.id),
          boardTable(board),
        );
      if (cmd.source === 'runs') {
        let paper;
        try {
          paper = await services.leaderboard(cmd.shot, 'paper', cmd.labels);
        } catch (err) {
          if (!(err instanceof UserError)) throw err; // no release: the stored runs alone
        }
        return cmd.json ? printJson({ runs: board, paper }) : print(renderRunsLeaderboard(board, paper));
      }
      return cmd.json ? printJson(board) : print(renderLeaderboard(board));
    }
    case 'eval':
      return evalCommand(cmd, services);
    case 'audit': {
      const audit = await services.audit();
      return cmd.json ? printJson(audit) : print(renderAuditReport(audit));
    }
    case 'phi':
      return phiCommand(cmd, services);
    case 'ask':
      return askCommand(cmd, services);
    case 'runs': {
      const runs = await services.runs();
      return cmd.json ? printJson(runs.map(runJson)) : print(renderRuns(runs));
    }
    case 'show': {
      const run = await services.show(cmd.runId, cmd.labels);
      return cmd.json ? printJson(runJson(run)) : print(renderRunSummary(run));
    }
    case 'export': {
      const files = await services.exportRun(cmd.runId, cmd.dir, cmd.includePrivate);
      const run = await services.show(cmd.runId);
      const where = { user: 'terminal', act: 'export', model: run.run.model, place: path.resolve(cmd.dir) };
      await services.auditPrivate(JSON.parse(run.run.tasks) as string[], where);
      const generated = files.find((f) => f.includes(`${path.sep}generated${path.sep}`));
      const root = generated
        ? generated.slice(0, generated.indexOf(`${path.sep}generated${path.sep}`) + '/generated'.length)
        : cmd.dir;
      const ids = JSON.parse(run.run.tasks) as string[];
      const tasks = services.tasks().filter((t) => ids.includes(t.id));
      const hint = rescoreCommand(root, tasks, process.env);
      return print(`${files.map((f) => `wrote ${f}`).join('\n')}\nRe-score with: ${hint}`);
    }
    case 'models-add': {
      const model = services.addModel(cmd.alias, cmd.entry);
      return print(`Added ${model.alias} (${model.provider}) to the model registry.`);
    }
    case 'data-pull': {
      const pulled = cmd.pack
        ? await services.pullPack(cmd.pack, cmd.dir, gitProgress)
        : await services.pullData(cmd.dir, gitProgress);
      const what = cmd.pack ? `The ${cmd.pack.toLowerCase()} pack` : 'The release';
      return print(pullText(what, pulled, cmd.pack ? 'its' : 'the'));
    }
    case 'bot':
    case 'worker':
      return; // long-running: started by main()
    case 'status': {
      const runs = await services.status(cmd.runId, { all: cmd.all });
      return cmd.json ? printJson(runs.map(runJson)) : print(renderStatus(runs));
    }
    case 'compare': {
      const rows = await services.compare(cmd.a, cmd.b, cmd.task, cmd.shot, cmd.labels);
      if (cmd.output)
        writeFor(
          services,
          cmd,
          rows.map((r) => r.task),
          comparisonTable(cmd.a, cmd.b, cmd.shot, rows),
        );
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
      const digests = await services.digest(cmd.schedule, cmd.labels);
      return cmd.json ? printJson(digests) : print(renderDigests(digests, schedulesPath(process.env)));
    }
    case 'cancel': {
      const { run, removedJobs, heldJobs } = await services.cancel(cmd.runId);
      return print(cancelSummary(run.id, removedJobs, heldJobs));
    }
    case 'data-check': {
      const check = services.checkData();
      if (!check.whole) process.exitCode = 1;
      return cmd.json ? printJson(check) : print(renderDataCheck(check));
    }
    case 'doctor': {
      const { slackDoctor } = await import('../../handlers/doctor.js'); // the Web API client: loaded only here
      const items = [...(await services.doctor()), ...(await slackDoctor(process.env))];
      if (items.some((i) => !i.ok)) process.exitCode = 1; // scripts and CI can test it
      return cmd.json ? printJson(items) : print(renderDoctor(items));
    }
  }
}

/** Whether `cmd` was given its table's option `name` (the Command holds it in camelCase: `dry-run` → `dryRun`). */
const optionGiven = (cmd: Command, name: string) =>
  Boolean((cmd as unknown as Record<string, unknown>)[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())]);

/**
 * The settings `cmd` reads (ENV_SETTINGS; a service's only where its table entry `uses` it), checked: `doctor` lists
 * every bad one as a problem of its own, any other command refuses the first. @throws UserError, one line.
 */
export function checkSettings(cmd: Command, env: NodeJS.ProcessEnv): void {
  const spec = COMMANDS_BY_NAME.get(cmd.kind.replace('-', ' '));
  if (cmd.kind !== 'doctor')
    checkEnv(
      env,
      undefined,
      servicesOf(spec, (o) => optionGiven(cmd, o)),
    );
}

/**
 * What `cmd` needs before any work (the bot's port, a worker's queue, a release fetch): a setting (ENV_SETTINGS),
 * a store path, or a setting the command needs (its `needs`: the bot's token) that cannot work is said at once (UserError), every path an option names is checked and its
 * missing folders created (`paths.undo()` removes them), and the services.
 */
export function prepare(cmd: Command): { services: Services; paths: PreparedPaths } {
  checkSettings(cmd, process.env);
  checkStorePath(process.env);
  checkNeeded(process.env, COMMANDS_BY_NAME.get(cmd.kind.replace('-', ' '))?.needs ?? []);
  const args = pathArguments(cmd);
  claimStandardOutput(args, 'format' in cmd ? cmd.format : undefined);
  return { paths: preparePaths(args), services: createServices() };
}

/**
 * What `jcb data pull` says of `what` (the release, a pack) in `pulled.dir`: fetched now, or already whole. `whose`
 * manifest its files were checked against: `the` release's, or a pack's own (`its`).
 */
function pullText(what: string, pulled: { dir: string; files: number; fetched: boolean }, whose: 'the' | 'its') {
  const match = `${pulled.files} files match ${whose} manifest`;
  return pulled.fetched
    ? `${what} is in ${pulled.dir}: all ${match}.`
    : `${what} in ${pulled.dir} is already whole (${match}); nothing fetched.`;
}

/**
 * Runs `cmd` as one request of the terminal; `bot` and `worker` resolve once started (true: they keep running).
 * Without a release where jcb keeps its own, fetches it once, then does what was asked.
 */
export async function runCommand(cmd: Command, services: Services): Promise<boolean> {
  if (cmd.kind === 'bot' || cmd.kind === 'worker') {
    await (cmd.kind === 'bot' ? startBot() : startWorker(services, cmd.concurrency));
    return true;
  }
  try {
    await executeAudited(cmd, services);
  } catch (err) {
    if (!(err instanceof NoReleaseError && err.defaultFolder) || cmd.kind === 'data-pull') throw err;
    process.stderr.write(`jcb: no release yet; fetching it (about 40 MB) into ${services.releaseFolder()}.\n`);
    try {
      await services.pullData(undefined, gitProgress);
    } catch (pullErr) {
      if (!(pullErr instanceof UserError)) throw pullErr;
      throw new UserError(`${err.message} Fetching it failed: ${pullErr.message}`, err.hint);
    }
    await executeAudited(cmd, services);
  }
  return false;
}

/** `err` told as a failure of this process's store (StoreError), when it is one. */
/**
 * The store failure `err` means, if it is one: an error of a file other than the store's (a file `score` reads,
 * the model registry) is not, however like one its code is (EACCES, EROFS).
 */
export function storeError(err: unknown) {
  const location = storeLocation(process.env);
  const where = (err as NodeJS.ErrnoException | undefined)?.path;
  if (typeof where === 'string') {
    const file = location.kind === 'sqlite' ? location.file : undefined;
    const at = path.resolve(where);
    if (!file || !(at.startsWith(file) || file.startsWith(`${at}${path.sep}`))) return undefined;
  }
  return asStoreError(err, location);
}
