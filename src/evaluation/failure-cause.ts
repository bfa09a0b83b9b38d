// A stored provider error as a person should read it: one line, the HTTP status and what it means, the
// server's own message where it says more; never a key, a stack or LangChain's troubleshooting text.
// Errors are written as such lines at the boundary (src/models/server-reply.ts); rows stored before that
// (`HTTP 401: 401 …`, `timeout: …`) are read here too.
import { forPeople, operatorFix, type Face } from '../base/shown.js';
import { BASE_URL_SETTING, redact, STATUS_MEANING } from '../models/server-reply.js';

/** The first sentence of a provider's message, without URLs, keys or the repeated status (rows stored before). */
function firstSentence(message: string): string {
  const line = message
    .replace(/Troubleshooting URL:[\s\S]*$/, '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\b(sk|key)-[\w-]+/gi, '…')
    .split('\n')[0]
    .trim();
  const sentence = /^[\s\S]*?[.。](?=\s|$)/.exec(line)?.[0] ?? line;
  // Callers end the line themselves: no full stop of the provider's own.
  return sentence
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160)
    .replace(/[.。]$/, '');
}

/** Lines written by the boundary reader (src/models/server-reply.ts, limits.ts): kept whole. */
const BOUNDARY_LINE =
  /^(\d{3} from the provider: |could not connect to |no answer within |the server answered |the connection dropped )/;

/**
 * `401 from the provider: invalid API key` from a stored document error such as
 * `gpt-4o-live: 401 from the provider: invalid API key (after 1 attempt)`, or one stored before as
 * `gpt-4o-live: HTTP 401: 401 Incorrect API key provided: sk-… You can find … https://… (after 1 attempt)`.
 * Connection failures and timeouts are named as such; anything else is its first sentence. Through
 * `forPeople` for `face` (no address: `could not connect to [address] (connection refused)`): the operator's fix
 * (`raise timeoutMs in the model registry`) for the terminal, "ask the bot's operator" in Slack, still marked when `kept`.
 */
export const failureCause = (error: string, face: Face = 'terminal'): string =>
  forPeople(markLegacyFixes(withoutLegacyAddress(cause(error))), face);

/**
 * Base URLs in rows stored before failures named their setting instead (`could not connect to http://…`, `(base URL
 * http://…)`): the server, or the setting, as server-reply.ts writes them now, never `[address]` (README "Secrets").
 */
const LEGACY_ADDRESSES: [RegExp, string][] = [
  [/^(could not connect to )[a-z][\w+.-]*:\/\/\S+/i, '$1the server'],
  [/^(the connection dropped before any answer: )[a-z][\w+.-]*:\/\/\S+/i, '$1the server'],
  [/ \((?:the )?base URL [a-z][\w+.-]*:\/\/[^\s()]*(?=[ )])/i, ` (${BASE_URL_SETTING}`],
];

const withoutLegacyAddress = (line: string): string =>
  LEGACY_ADDRESSES.reduce((l, [old, now]) => l.replace(old, now), line);

/**
 * Operator's fixes in rows stored before they were marked (server-reply.ts writes them marked now), in their
 * words of then and of now (a row whose marks were lost: copied as text).
 */
export const LEGACY_FIXES = [
  / \(timeoutMs \d+\): raise timeoutMs in models\.yml if the server is slow$/,
  /: check the host name in (?:baseUrl|the baseUrl of model .*|the model's baseUrl .*|OPENAI_BASE_URL)$/,
  /: serve the model on another port$/,
  /: is the server http rather than https\?$/,
  / \(is the base URL right, or a proxy in the way\?\)/,
  / \(the base URL [^()]*\)$/,
  / \(base URL [^()]*\)$/,
  / \((?:the baseUrl of model |the model's baseUrl |OPENAI_BASE_URL)[^()]*\)$/,
  // failure-side.ts configurationFix: the key, the model, the quota, a refused setting.
  /: (set a valid key in \S+ \(apiKeyEnv|the server wants a key: name its variable in apiKeyEnv) .*$/,
  /: (the API key in \S+|an API key) may not use (model|the model) .*$/,
  /: the server has no (model|such model)\b.*: correct model .*$/,
  /: the account of .* has no quota left: .*$/,
  /: if every request .*is refused so, .*$/,
];

function markLegacyFixes(line: string): string {
  return LEGACY_FIXES.reduce((l, fix) => (l.includes('{{fix:') ? l : l.replace(fix, (f) => operatorFix(f))), line);
}

function cause(error: string): string {
  const rest = redact(error)
    .replace(
      /^[a-z0-9][a-z0-9._-]*: (?=HTTP \d{3}|timeout|[A-Z]|\d{3} from|could not|no answer|the server|the connection)/,
      '',
    )
    .replace(/\s*\(after \d+ attempts?\)\s*$/, '');
  if (BOUNDARY_LINE.test(rest))
    return rest
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[.。]$/, '');
  const http = /^HTTP (\d{3}): (?:\d{3} )?([\s\S]*)$/.exec(rest);
  if (http) {
    const status = Number(http[1]);
    const meaning = STATUS_MEANING[status] ?? (status >= 500 ? 'server error' : firstSentence(http[2]));
    return `${status} from the provider: ${meaning || 'request refused'}`;
  }
  if (/^timeout|timed? ?out/i.test(rest)) return 'the provider did not answer in time (timeout)';
  if (/connection|ECONNREFUSED|ECONNRESET|fetch failed|socket/i.test(rest))
    return 'the provider could not be reached (connection error)';
  return firstSentence(rest) || 'unknown error';
}

/** `line` as the end of a sentence: a full stop, unless it ends in a question or exclamation of its own (`is the server running?`). */
export const asSentenceEnd = (line: string): string => (/[?!]$/.test(line) ? line : `${line}.`);

/** A run that scored nothing because its provider failed on every document (not one with no documents). */
export const everyDocumentFailed = (scores: readonly { n: number; failed: number }[]): boolean =>
  scores.length > 0 && scores.every((s) => s.n === 0) && scores.some((s) => s.failed > 0);

/**
 * Why a run stopped for its model's configuration (Processed.misconfigured: the last document's error, with its
 * operator's fix), for `face`: `set up in a way its server refuses, 2 documents in a row (400 from the provider:
 * Unsupported parameter: …: if every request of gpt-5 is refused so, change or remove the setting it names in
 * models.yml)`; the count only when more than one.
 */
export const misconfiguredCause = (stop: { error: string; documents: number }, face: Face = 'terminal'): string =>
  `set up in a way its server refuses${stop.documents > 1 ? `, ${stop.documents} documents in a row` : ''} (${failureCause(stop.error, face)})`;
