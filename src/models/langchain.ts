// LangChain's OpenAI client, loaded on first use (about 40 MB): a process that never talks to a live model,
// such as the bot replaying the release, never loads it. Loaded through `require` (LangChain ships CommonJS
// too) so that the synchronous callers (request.ts) and the provider share one copy.
import { createRequire } from 'node:module';
import type * as Messages from '@langchain/core/messages';
import type * as OpenAI from '@langchain/openai';

const require = createRequire(import.meta.url);

/** `ChatOpenAI` and `HumanMessage`, loaded once per thread on the first call. */
export function langchain(): { ChatOpenAI: typeof OpenAI.ChatOpenAI; HumanMessage: typeof Messages.HumanMessage } {
  const { ChatOpenAI } = require('@langchain/openai') as typeof OpenAI;
  const { HumanMessage } = require('@langchain/core/messages') as typeof Messages;
  return { ChatOpenAI, HumanMessage };
}
