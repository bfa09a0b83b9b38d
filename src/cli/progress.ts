// The evaluation progress line: a bar on a terminal, a line every tenth otherwise (logs, CI); a retry of
// the provider shows at once in either, so a slow run says why it is slow.
import type { Progress } from '../evaluation/engine.js';
import { progressBar, settledOf } from '../base/format.js';

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update(p: Progress): void;
  end(): void;
} {
  const tty = stream.isTTY;
  let lastDecile = -1;
  let lastRetries = 0;
  let drawn = false;
  const line = (p: Progress) => {
    const score = p.runningScore === undefined ? '' : `  ${p.task} ${(p.runningScore * 100).toFixed(1)}`;
    const failed = p.failed ? `  failed ${p.failed}` : '';
    const retries = p.retries ? `  retries ${p.retries}` : '';
    return `[${progressBar(p.done, 0, p.total, { done: '#', failed: '#', left: '.' }, 24)}] ${settledOf(p.done, 0, p.total)}${failed}${retries}${score}`;
  };
  return {
    update(p) {
      if (tty) {
        stream.write(`\r${line(p)}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = Math.floor((p.done / Math.max(1, p.total)) * 10);
      if (decile !== lastDecile || p.retries !== lastRetries) {
        lastDecile = decile;
        lastRetries = p.retries;
        stream.write(`${line(p)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
