// The benches' handle on Slack's side (bench/slack-side.ts, another process, so that its load does not share the
// bot's event loop): started once, asked by message, its Web API stand-in's address given at start.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The signing secret both sides of a bench use. */
export const SECRET = 'bench-signing-secret';

/** Starts Slack's side; resolves once its Web API stand-in listens (`apiUrl`), with `ask` and `stop`. */
export async function startSlackSide() {
  const slackSide = fork(fileURLToPath(new URL('./slack-side.js', import.meta.url)));
  const ask = <T>(order: object) =>
    new Promise<T>((resolve) => {
      slackSide.once('message', (m: T) => resolve(m));
      slackSide.send(order);
    });
  const { apiUrl } = await new Promise<{ apiUrl: string }>((resolve) => slackSide.once('message', resolve));
  return { apiUrl, ask, stop: () => slackSide.kill() };
}
