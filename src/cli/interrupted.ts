// What a foreground run stopped by a signal, its budget, its store or its model's server says: where it is and how to resume.
import { doneOf } from '../base/format.js';
import type { Unreachable } from '../evaluation/engine.js';
import { asSentenceEnd, failureCause, misconfiguredCause } from '../evaluation/failure-cause.js';
import { resumeCommand, type EvalCommand } from '../command/resume.js';

/** "interrupted: run X, N of M done; resume with jcb eval ..." */
export function interruptedLine(cmd: EvalCommand, runId: string, done: number, planned: number | undefined): string {
  return `interrupted: run ${runId}, ${doneOf(done, planned)} done; resume with ${resumeCommand(cmd, runId)}`;
}

/**
 * "stopped: the server of MODEL failed N documents in a row (CAUSE: what it answered, or that it was not
 * reached); run X, N of M done; resume with jcb eval ... once the server answers." (EvalResult.unreachable: the
 * last document's error, without its address).
 */
export function unreachableLine(
  cmd: EvalCommand,
  runId: string,
  unreachable: Unreachable,
  done: number,
  planned: number | undefined,
): string {
  return (
    `stopped: the server of ${cmd.model} failed ${unreachable.documents} documents in a row ` +
    `(${failureCause(unreachable.error)}); run ${runId}, ${doneOf(done, planned)} done; ` +
    asSentenceEnd(`resume with ${resumeCommand(cmd, runId)} once the server answers`)
  );
}

/**
 * "stopped: MODEL is set up in a way its server refuses (CAUSE: what the server answered, and the operator's fix:
 * the key's variable, the model's name in models.yml, the account's quota, the refused setting); run X, N of M
 * done; resume with jcb eval ... once fixed." (EvalResult.misconfigured).
 */
export function misconfiguredLine(
  cmd: EvalCommand,
  runId: string,
  misconfigured: Unreachable,
  done: number,
  planned: number | undefined,
): string {
  return (
    `stopped: ${cmd.model} is ${misconfiguredCause(misconfigured)}; run ${runId}, ${doneOf(done, planned)} done; ` +
    asSentenceEnd(`resume with ${resumeCommand(cmd, runId)} once fixed`)
  );
}
