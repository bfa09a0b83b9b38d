// What the jcb process does when its standard output cannot be written: a reader that went away (`jcb … | head`,
// `| true`) ends jcb quietly, as `git log | head` does; any other failure (a full disk, `> /dev/full`) is said
// in one line on stderr, exit 1. Without this, Node throws the stream's 'error' event: a stack trace of dist/.
import type { Writable } from 'node:stream';
import { systemCause } from '../base/paths.js';

/** Why a write failed, in words (src/base/paths.ts: Node's error codes as the user's reason). */
export const outputFailure = (err: NodeJS.ErrnoException): string =>
  systemCause(err.code) ?? 'the system refused the write';

/**
 * Installs the rule on `stdout` (and keeps a closed `stderr` from throwing). `exit` ends the process (tests pass
 * their own). Idempotent per stream.
 */
export function guardOutput(
  stdout: Writable = process.stdout,
  stderr: Writable = process.stderr,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const guarded = stdout as Writable & { jcbGuarded?: boolean };
  if (guarded.jcbGuarded) return;
  guarded.jcbGuarded = true;
  let said = false;
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return exit(0);
    if (!said) {
      said = true;
      try {
        stderr.write(`jcb: cannot write the output: ${outputFailure(err)}.\n`);
      } catch {
        // stderr gone as well: the exit code says it
      }
    }
    exit(1);
  });
  stderr.on('error', () => undefined);
}
