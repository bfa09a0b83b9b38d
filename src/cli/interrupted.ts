// What a foreground run stopped by a signal or by its store says: where it is and how to resume.
import type { Command } from '../command/grammar.js';

type EvalCommand = Pick<Extract<Command, { kind: 'eval' }>, 'task' | 'model' | 'shot' | 'limit'>;

/** The command that resumes run `runId` with what it already stored. */
export function resumeCommand(cmd: EvalCommand, runId: string): string {
  const limit = cmd.limit ? ` --limit ${cmd.limit}` : '';
  return `jcb eval ${cmd.task} ${cmd.model} --shot ${cmd.shot}${limit} --run ${runId}`;
}

/** "interrupted: run X, N of M done; resume with jcb eval ..." */
export function interruptedLine(cmd: EvalCommand, runId: string, done: number, planned: number | undefined): string {
  return `interrupted: run ${runId}, ${done} of ${planned ?? '?'} done; resume with ${resumeCommand(cmd, runId)}`;
}
