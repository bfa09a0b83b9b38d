// The `jcb` program: parses argv with the shared grammar, answers help and --version, and loads what every other
// command needs (the services, the renderers: execute.ts) only then (src/cli/main.ts runs it). Loading them all
// took ~0.5 s and ~40 MB of a process that only printed its version (issue 28).
import { parseCommand, commandWords, type Command } from '../command/grammar.js';
import { commandHelp, overview } from '../command/help.js';
import { packageVersion } from '../base/project.js';
import { useHeapSetting, type HeapSetting } from '../base/lean-heap.js';
import { UserError, userErrorText } from '../base/errors.js';
import { forPeople } from '../base/shown.js';
import { fileSystemError, type PreparedPaths } from '../base/paths.js';
import type { Services } from '../services/index.js';
import { terminalText } from './terminal-text.js';

/**
 * The heap `cmd` runs with (src/base/lean-heap.ts): `waiting` for the bot however it was typed (`jcb BOT`,
 * full-width), a process that runs for weeks and mostly waits; `lean` for `score` (issue 28: ≤ 150 MB scoring every
 * released file; 171-178 → 145-154 MB peak RSS for ~5 % more CPU, load 5); V8's default for the rest, a help
 * about them too.
 */
export const heapSettingOf = (cmd: Command): HeapSetting =>
  cmd.kind === 'bot' ? 'waiting' : cmd.kind === 'score' ? 'lean' : 'default';

const print = (text: string): void => void process.stdout.write(`${terminalText(text)}\n`);

/**
 * Runs one `jcb` command line (`argv`: the words after the program's name) with this process's environment:
 * prints to stdout and stderr, resolves with the exit code (0; 1 bad input, in one line; 2 unexpected; a
 * command's own, e.g. 75 when --max-cost stopped a run). `bot` and `worker` resolve once started and keep running.
 */
export async function main(argv: string[]): Promise<number> {
  let paths: PreparedPaths | undefined;
  let services: Services | undefined;
  let execute: typeof import('./execute.js') | undefined;
  let early: typeof import('../services/services-pool.js') | undefined;
  let running = false; // a bot or worker that started runs on; anything else (a refusal too) closes at the end
  try {
    const cmd = parseCommand(commandWords(argv), { face: 'terminal' });
    if (cmd.kind === 'help') {
      const width = Math.max(60, process.stdout.columns || Number(process.env.COLUMNS) || 80);
      print(cmd.command ? commandHelp(cmd.command, 'terminal', width) : overview('terminal', width));
      return 0;
    }
    if (cmd.kind === 'version') return (print(packageVersion()), 0);
    // bin/jcb.js set the lean heap before anything loaded; each command gets its own now.
    useHeapSetting(heapSettingOf(cmd));
    // `score` scores at once: its pool's thread loads the scorers while this one loads the rest.
    if (cmd.kind === 'score') (early = await import('../services/services-pool.js')).startPoolEarly(process.env);
    execute = await import('./execute.js');
    ({ services, paths } = execute.prepare(cmd));
    running = await execute.runCommand(cmd, services);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    paths?.undo();
    const storeErr = execute?.storeError(err);
    if (storeErr) err = storeErr;
    else err = fileSystemError(err) ?? err;
    if (err instanceof UserError) {
      process.stderr.write(`jcb: ${terminalText(userErrorText(err, 'terminal'))}\n`);
      return 1;
    }
    process.stderr.write(`jcb: ${forPeople(`unexpected error: ${(err as Error).message}`, 'terminal')}\n`);
    if (process.env.JCB_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 2;
  } finally {
    if (!running) await services?.close();
    // A pool started for a command refused before its services took it.
    await early?.closeEarlyPool();
  }
}
