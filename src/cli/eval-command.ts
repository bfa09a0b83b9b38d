// `jcb eval` in a terminal: a dry run, a queued run, or a run here with its progress bar, signals, budget
// and output files.
import type { Command } from '../command/grammar.js';
import { UserError } from '../base/errors.js';
import type { Progress } from '../evaluation/engine.js';
import { asSentenceEnd, everyDocumentFailed, failureCause } from '../evaluation/failure-cause.js';
import type { Services } from '../services/index.js';
import { budgetStopped } from '../base/format.js';
import { asStoreError } from '../store/errors.js';
import { storeLocation } from '../store/store.js';
import { interruptedLine, misconfiguredLine, unreachableLine } from './interrupted.js';
import { resumeCommand } from '../command/resume.js';
import { formatOf, markedPrivate, printLine, writeFileOrOutput, writeOutput } from './output.js';
import { evalTable } from './output-tables.js';
import { findTask } from '../evaluation/documents.js';
import { aboutTask } from '../tasks/task-file/about.js';
import { progressPrinter } from './progress.js';
import { renderEval } from './render.js';
import { runJson } from './render-more.js';
import { jsonForPeople } from '../base/shown.js';
import { renderEstimate } from './render-request.js';

const print = printLine;
/** Failure text in it as the terminal shows failures (the operator's fix written out, never its marker). */
const printJson = (value: unknown) => print(jsonForPeople(value, 'terminal'));

/**
 * Runs `jcb eval`. Sets process.exitCode 75 when --max-cost stopped the run, 130/143 when SIGINT/SIGTERM
 * interrupted it (both print the command that resumes it). Errors: UserError for bad flag combinations, a
 * run whose every document failed (with the first cause), or a store that went away mid-run.
 */
export async function evalCommand(cmd: Extract<Command, { kind: 'eval' }>, services: Services): Promise<void> {
  if (cmd.dryRun) {
    const estimate = await services.estimate(cmd);
    return cmd.json ? printJson(estimate) : print(renderEstimate(estimate));
  }
  // Before any work: a file would hold a private task's data only with --include-private.
  const files = [cmd.logSamples && '--log-samples', cmd.output && '-o'].filter((o): o is string => Boolean(o));
  const marked = files.some((option) => services.mayWrite(cmd.task.split(','), cmd.includePrivate, option));
  if (cmd.queue) {
    const queued = await services.enqueueEvaluation({ ...cmd, startedBy: 'terminal' });
    if (cmd.json) return printJson(runJson(queued));
    return print(
      `Run ${queued.run.id} queued: ${queued.documents} documents in ${queued.jobs} jobs.\n` +
        `Workers take them: \`jcb worker\` (any number, on any machine with the same REDIS_URL and store). ` +
        `Follow it with \`jcb status ${queued.run.id}\`.`,
    );
  }
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const stop = (sig: NodeJS.Signals) => {
    signalled = sig;
    controller.abort(new Error('interrupted'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = progressPrinter();
  let last: Progress | undefined;
  try {
    const result = await services.evaluate(
      { ...cmd, startedBy: 'terminal' },
      (p) => {
        last = p;
        bar.update(p);
      },
      controller.signal,
      (line) => process.stderr.write(`\njcb: ${line}\n`),
    );
    bar.end();
    if (result.interrupted) {
      const done = (await services.show(result.run.id)).documents.done;
      const budget = result.spentUsd !== undefined && !controller.signal.aborted;
      if (result.misconfigured && !controller.signal.aborted) {
        process.stderr.write(
          `jcb: ${misconfiguredLine(cmd, result.run.id, result.misconfigured, done, result.planned)}\n`,
        );
        process.exitCode = 1;
      } else if (result.unreachable && !controller.signal.aborted) {
        process.stderr.write(`jcb: ${unreachableLine(cmd, result.run.id, result.unreachable, done, result.planned)}\n`);
        process.exitCode = 1;
      } else if (budget) {
        process.stderr.write(
          `jcb: ${budgetStopped(cmd.maxCost!, result.spentUsd!, done, result.planned, resumeCommand(cmd, result.run.id))}\n`,
        );
        process.exitCode = 75; // EX_TEMPFAIL: to be continued
      } else {
        process.stderr.write(`jcb: ${interruptedLine(cmd, result.run.id, done, result.planned)}\n`);
        process.exitCode = signalled === 'SIGTERM' ? 143 : 130;
      }
      return;
    }
    if (cmd.logSamples) writeFileOrOutput(cmd.logSamples, await services.runSamples(result.run.id));
    const tasks = result.outcomes.map((o) => o.task);
    const who = { user: 'terminal', model: cmd.model };
    await services.auditPrivate(tasks, { ...who, act: 'eval', place: 'terminal' });
    if (cmd.logSamples) await services.auditPrivate(tasks, { ...who, act: '--log-samples', place: cmd.logSamples });
    if (cmd.output) await services.auditPrivate(tasks, { ...who, act: '-o', place: cmd.output });
    // Declared tasks carry their source and licence with every output: a column in files, a line in text.
    const about = result.outcomes.map((o) => aboutTask(findTask(o.task)));
    if (cmd.output) {
      const tabular = evalTable(result, cmd.shot);
      const declared = about.some((a) => a !== undefined);
      const shown = marked ? markedPrivate(tabular) : tabular;
      writeOutput(
        cmd.output,
        declared
          ? {
              ...shown,
              header: [...shown.header, 'source and licence'],
              rows: shown.rows.map((r, i) => [...r, about[i] ?? 'built-in']),
            }
          : shown,
        formatOf(cmd.output, cmd.format),
      );
    }
    // JSON carries the source-and-licence line too, on each declared task's outcome.
    if (cmd.json)
      printJson(
        runJson({ ...result, outcomes: result.outcomes.map((o, i) => (about[i] ? { ...o, about: about[i] } : o)) }),
      );
    else {
      const notes = result.outcomes.flatMap((o, i) => (about[i] ? [`${o.task}: ${about[i]}`] : []));
      print([renderEval(result, await services.storeLocation()), ...notes].join('\n'));
    }
    if (everyDocumentFailed(result.outcomes)) {
      const [first] = (await services.show(result.run.id)).failures;
      throw new UserError(
        `Every document failed, nothing was scored: ${asSentenceEnd(failureCause(first?.error ?? ''))}`,
        `Once fixed, resume with --run ${result.run.id}.`,
      );
    }
    return;
  } catch (err) {
    bar.end();
    // The store went away mid-run (and stayed away through the retries): what is stored stays.
    const storeErr = asStoreError(err, storeLocation(process.env));
    const runId = last?.runId ?? cmd.runId;
    if (!storeErr || !runId) throw err;
    // The resume command ends the line (a hint is printed as is), so that it can be copied whole.
    throw new UserError(storeErr.message, interruptedLine(cmd, runId, last?.done ?? 0, last?.total));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
