// The command that resumes a stored run, as both faces and the services say it: `jcb eval ... --run ID`.
import { COMMANDS } from './commands.js';
import type { Command } from './grammar.js';

export type EvalCommand = Pick<Extract<Command, { kind: 'eval' }>, 'task' | 'model' | 'shot'> &
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
