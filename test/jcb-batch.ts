// Many `jcb` command lines through one process of the built program (test/batch-child.mjs): each one's exit
// code, stdout and stderr as a spawn of bin/jcb.js gives them, without a process start (~2 s of CPU: the
// program's modules) and the dictionaries' load per line. For the test files that run the program dozens of
// times; each of them keeps real spawns of bin/jcb.js too (the binary itself, standard input, signals).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'batch-child.mjs');

export interface JcbResult {
  code: number | null;
  out: string;
  err: string;
}

export interface JcbBatch {
  /** Runs `jcb ...args` with `env` over the batch's environment (undefined removes a variable). */
  run(args: string[], env?: Record<string, string | undefined>): Promise<JcbResult>;
  /** Ends the process (its commands' Redis and database connections with it). */
  close(): Promise<void>;
}

/**
 * A process of the built program serving command lines one at a time, in `cwd`, with `env` over this process's
 * environment. A command line that brings the process down fails with what it printed.
 */
export function jcbBatch(options: { cwd?: string; env?: Record<string, string | undefined> } = {}): JcbBatch {
  const env = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {}))
    if (value === undefined) delete env[key];
    else env[key] = value;
  const child: ChildProcess = fork(CHILD, [], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // What the process prints outside a command (a late warning): kept for a failure's message.
  let stray = '';
  child.stdout!.on('data', (d) => (stray += d));
  child.stderr!.on('data', (d) => (stray += d));
  const pending = new Map<number, { resolve(r: JcbResult): void; reject(e: Error): void }>();
  let next = 0;
  let exited: Error | undefined;
  child.on('message', (m: JcbResult & { id: number }) => {
    pending.get(m.id)?.resolve({ code: m.code, out: m.out, err: m.err });
    pending.delete(m.id);
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`the jcb batch process ended (${signal ?? code}): ${stray.slice(-2000)}`);
    for (const p of pending.values()) p.reject(exited);
    pending.clear();
  });
  return {
    run(args, over = {}) {
      if (exited) return Promise.reject(exited);
      const id = next++;
      // JSON over IPC has no undefined: null removes the variable in the child.
      const changes = Object.fromEntries(Object.entries(over).map(([k, v]) => [k, v ?? null]));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, args, env: changes });
      });
    },
    async close() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}
