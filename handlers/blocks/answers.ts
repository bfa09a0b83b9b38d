// Replies to people's own text, and error messages.
import type { AskResult } from '../../src/services.js';
import { UserError } from '../../src/errors.js';
import { ProviderError } from '../../src/models/provider.js';
import type { Message } from './run.js';
import { code, context, escape, section } from './text.js';

export function answerMessage(a: AskResult): Message {
  return {
    text: `${a.task.label} by ${a.model.alias}: ${a.output.slice(0, 200)}`,
    blocks: [
      section(
        `*${a.task.label}* — ${escape(a.task.title)} · *${escape(a.model.label)}* (\`${a.model.alias}\`, ${a.model.provider})`,
      ),
      code(a.output || '(empty)'),
      ...(a.parse.ok
        ? [section(`*Read as*: ${escape(a.parse.shown)}`)]
        : [context(`:warning: ${escape(a.parse.problem ?? '')}`)]),
      ...(a.maskedText
        ? [section('*Sent masked* (personal information replaced by its kind)'), code(a.maskedText)]
        : []),
      context('Your own text has no gold answer, so there is no score.'),
    ],
  };
}

/** What went wrong and what would be right; an unexpected error is reported without its internals. */
export function errorText(err: unknown): string {
  if (err instanceof UserError) return `:warning: ${err.message}${err.hint ? ` ${err.hint}` : ''}`;
  if (err instanceof ProviderError) {
    return `:warning: The model's provider failed: ${err.message}. Try again later, or another model.`;
  }
  return `:boom: Something went wrong on our side (${(err as Error).name ?? 'error'}). It has been logged.`;
}

/** Errors that are ours to fix (logged), as opposed to bad input and failing providers (told to the user). */
export function isUnexpected(err: unknown): boolean {
  return !(err instanceof UserError) && !(err instanceof ProviderError);
}
