// What a foreground run stopped by a signal, its budget, its store or its model's server says: where it is and how to resume.
import { doneOf } from '../base/format.js';
import { COMMANDS } from '../command/commands.js';
import type { Unreachable } from '../evaluation/engine.js';
import { asSentenceEnd, failureCause } from '../evaluation/failure-cause.js';
import type { Command } from '../command/grammar.js';

type EvalCommand = Pick<Extract<Command, { kind: 'eval' }>, 'task' | 'model' | 'shot'> &
  Partial<Extract<Command, { kind: 'eval' }>>;

const EVAL_OPTIONS = COMMANDS.find((c) => c.name === 'eval')!.options;
/** Options a resume does not repeat: it runs here (not queued, not a dry run), with its own --run. */
const NOT_REPEATED = ['run', 'queue', 'dry-run'];
/** The Command field an option sets: `no-cache` → `noCache`. */
export const fieldOf = (option: string): string => option.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * The command that resumes run `runId` with what it already stored: `jcb eval`, the task and model,
 * every option of the eval command table that `cmd` set (but --run, --queue, --dry-run), `--run ID`.
 */
export function resumeCommand(cmd: EvalCommand, runId: string): string {
  const words = ['jcb', 'eval', shellWord(cmd.task), shellWord(cmd.model)];
  for (const option of EVAL_OPTIONS) {
    if (NOT_REPEATED.includes(option.name)) continue;
    const value = (cmd as Record<string, unknown>)[fieldOf(option.name)];
    if (value === undefined || value === null || value === false) continue;
    words.push(`--${option.name}`);
    if (option.value) words.push(shellWord(String(value)));
  }
  return [...words, '--run', shellWord(runId)].join(' ');
}

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
