// People's own text to a model, from a mention, a DM or the message shortcut: the answer in the thread,
// or, when the text holds personal information for an external model, an ephemeral offer to send it
// masked. The text waits in memory only (never stored) until the person chooses, for 15 minutes.
import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { AskRequest } from '../src/services/index.js';
import { FindingsError } from '../src/privacy/free-text.js';
import { answerMessage } from './blocks/answers.js';
import { findingsMessage } from './blocks/findings.js';
import { post, postEphemeral, type BotContext } from './context.js';
import { authorizeText } from '../src/policy/acts.js';

interface Pending extends Asked {
  /** The masked text the person was shown: Send masked sends exactly it, or nothing. */
  shown: string;
  expires: number;
}

const WAIT_MS = 15 * 60_000;
const pending = new Map<string, Pending>();

export interface Asked {
  user: string;
  channel: string;
  threadTs: string;
  ask: AskRequest;
}

/** Asks the model and posts the answer in the thread; on findings, the ephemeral offer instead. */
export async function askInThread(ctx: BotContext, client: WebClient, a: Asked): Promise<void> {
  const req = { ...a.ask, user: a.user, origin: `slack:${a.channel}` };
  // The data policy, for everyone who may send free text at all: a private task's answer is never shown here.
  authorizeText('free-text', ctx.services.dataContext(req.task, req.model));
  try {
    await post(client, a.channel, answerMessage(await ctx.services.ask(req)), a.threadTs);
  } catch (err) {
    if (!(err instanceof FindingsError)) throw err;
    const now = Date.now();
    for (const [id, p] of pending) if (p.expires < now) pending.delete(id);
    const id = randomBytes(12).toString('hex');
    pending.set(id, { ...a, shown: err.masked, expires: now + WAIT_MS });
    const offer = findingsMessage(a.ask.text, err, id);
    await postEphemeral(client, { channel: a.channel, user: a.user, threadTs: a.threadTs }, offer);
  }
}

/** The id an offer's buttons carry (askInThread): 24 hex digits. */
const offerId = /^[0-9a-f]{24}$/;

/**
 * The person's choice on the offer: the waiting request, if it is theirs and not expired (it is forgotten: a
 * second press finds nothing); else why not: `not-yours` (another person's offer, left waiting for them) or `gone`.
 */
export function takePending(id: string, user: string): (Asked & { shown: string }) | 'not-yours' | 'gone' {
  const p = offerId.test(id) ? pending.get(id) : undefined;
  if (!p || p.expires < Date.now()) return 'gone';
  if (p.user !== user) return 'not-yours';
  pending.delete(id);
  return p;
}
