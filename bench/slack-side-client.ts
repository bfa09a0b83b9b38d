// The benches' handle on Slack's side (bench/slack-side.ts, another process, so that its load does not share the
// bot's event loop): started once, asked by message, its Web API stand-in's address given at start.
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The signing secret both sides of a bench use. */
export const SECRET = 'bench-signing-secret';

/**
 * The environment a bench's bot runs in: HTTP receiver on a free port, Slack's side at `apiUrl`, a store of its own
 * in a temporary folder (`name` in its folder's name), at most `ratePerMinute` requests a minute a user.
 */
export function benchBotEnv(apiUrl: string, name: string, ratePerMinute: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    PORT: '0',
    JCB_BOT_RATE_PER_MINUTE: String(ratePerMinute),
    JCB_STORE: path.join(mkdtempSync(path.join(os.tmpdir(), `jcb-${name}-`)), 'jcb.sqlite'),
  };
  // Unset, not empty (an empty token is refused): the HTTP receiver, not Socket Mode.
  delete env.SLACK_APP_TOKEN;
  return env;
}

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
