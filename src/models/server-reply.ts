// The one reader of what an OpenAI-compatible server answers, before LangChain sees it: jcb's own `fetch`
// for the OpenAI client. An error status, a body that is not a chat completion, a failed connection or a
// timeout becomes one line (`Failure`) with the server's own message, truncated and with every secret
// redacted, saying whether a retry can help. Every provider error message that reaches the store, a log, Slack or
// the terminal comes through `redact` here first; a base URL never does: a failure names its setting instead.
import { operatorFix, redactCredentials } from '../base/shown.js';
import { errorBody, isErrorBody, parseJson } from './error-body.js';
import { configurationFix, sideOf, statusKind, type Configured } from './failure-side.js';
import type { Failure } from './limits.js';

export { FAILURE_SIDE, type ReplyKind } from './failure-side.js';

/** What an HTTP status means to a person running a model. */
export const STATUS_MEANING: Record<number, string> = {
  401: 'invalid API key',
  403: 'the API key may not use this model',
  404: 'no such model or endpoint',
  429: 'rate limit or quota exceeded',
};

/** Longest server message kept (characters): a whole sentence pair such as vLLM's context-length refusal. */
const MAX_MESSAGE = 400;

/** Whether a URL carries a user or password (`http://user:pw@host`), which fetch refuses to send. */
export const hasCredentials = (url: string): boolean => /^[a-z][\w+.-]*:\/\/[^/@\s]*@/i.test(url);

/**
 * `text` with every secret taken out: the values in `secrets` (the model's API key) wherever they occur,
 * any `Bearer` token, anything shaped like an API key (`sk-…`), and the userinfo of any URL.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[key]');
  return redactCredentials(out);
}

/** A server's message as one line: collapsed, redacted, cut at MAX_MESSAGE characters. */
function oneLine(text: string, secrets: readonly (string | undefined)[]): string {
  const line = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/** A reply jcb refused at its fetch: the SDK wraps it as the `cause` of its connection error; `failure` says it all. */
export class ServerReplyError extends Error {
  constructor(readonly failure: Failure) {
    // Neutral text: the SDK tells timeouts by this text, and the failure's own is read from `failure`.
    super('reply refused by jcb');
    this.name = 'ServerReplyError';
  }
}

export interface ServerContext extends Configured {
  /** The configured base URL, or undefined for the OpenAI API. Never written into a failure (README "Secrets"). */
  baseUrl?: string;
  /**
   * What names the base URL to the operator instead (src/models/request.ts baseUrlSetting): `the baseUrl of model
   * m in the model registry`, or `OPENAI_BASE_URL`; BASE_URL_SETTING when not given.
   */
  baseUrlSetting?: string;
  /** Values never to print or store: the API key. */
  secrets: readonly (string | undefined)[];
  /** The request timeout, named in the timeout's message. */
  timeoutMs: number;
}

/** The base URL's setting, named when a ServerContext does not name its own. */
export const BASE_URL_SETTING = "the model's baseUrl in the model registry";

/**
 * A 404's hint: which setting holds the base URL, and where OpenAI-compatible servers serve when it looks wrong.
 * Names the setting, never the URL: `(the baseUrl of model m in the model registry has no /v1: …)`.
 */
function urlHint(ctx: ServerContext): string {
  if (!ctx.baseUrl) return '';
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const setting = ctx.baseUrlSetting ?? BASE_URL_SETTING;
  if (/\/chat\/completions$/.test(base)) return ` (${setting} names the endpoint itself: leave out /chat/completions)`;
  if (!/\/v1$/.test(base)) return ` (${setting} has no /v1: vLLM, SGLang and Ollama serve under …/v1)`;
  return ` (${setting})`;
}

/**
 * An HTTP error status as a failure: the meaning, the server's message, the operator's fix of a configuration
 * kind (failure-side.ts) or a 404's base URL; 429 (not a quota) and 5xx retried.
 */
function statusFailure(status: number, headers: Headers, text: string, ctx: ServerContext): Failure {
  const { message, code } = errorBody(text, headers.get('content-type') ?? '');
  const kind = statusKind(status, code, message);
  const meaning =
    kind === 'quota spent'
      ? 'quota exceeded (waiting does not help)'
      : status === 429
        ? 'rate limit exceeded'
        : (STATUS_MEANING[status] ?? (status >= 500 ? 'server error' : ''));
  // A 401's text adds nothing to "invalid API key" and may echo the key (masked or not).
  let said = status === 401 ? '' : oneLine(message, ctx.secrets);
  const fix = configurationFix(kind, status, message, ctx);
  // The fix follows the server's message: its own full stop would stand before the fix's colon.
  if (fix) said = said.replace(/[.。]$/, '');
  const hint = status === 404 && ctx.baseUrl && !fix ? operatorFix(urlHint(ctx)) : '';
  return {
    retryable: kind !== 'quota spent' && (status === 429 || status >= 500),
    retryAfterMs: retryAfterMs(headers),
    ...sideOf(kind),
    message: `${status} from the provider: ${[meaning, said].filter(Boolean).join(': ')}${fix}${hint}`,
  };
}

/** `retry-after-ms` (OpenAI's SDK, Azure) or `Retry-After` in seconds or as an HTTP date, in milliseconds. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A 200 whose body is no chat completion, or one the server itself ended in error: what it is instead, or undefined. */
function notCompletion(text: string, contentType: string, ctx: ServerContext): Failure | undefined {
  const notOne = (message: string, retryable = false): Failure => ({
    retryable,
    message,
    ...sideOf('not a completion'),
  });
  if (/event-stream/i.test(contentType) || /^\s*data:/.test(text)) {
    const sent = /event-stream/i.test(contentType)
      ? 'text/event-stream'
      : `data: lines sent as ${contentType.split(';')[0].trim() || 'no content type'}`;
    return notOne(
      `the server answered with a stream (${sent}) although jcb asks stream: false: a streaming-only gateway is not supported`,
    );
  }
  const json = parseJson(text);
  if (json === undefined) {
    const what =
      /html/i.test(contentType) || /^\s*</.test(text)
        ? `an HTML page${operatorFix(' (is the base URL right, or a proxy in the way?)')}`
        : 'a body that is not JSON';
    // README: a body that is not JSON is retried, like a 5xx.
    return notOne(`the server answered 200 with ${what}, not a chat completion`, true);
  }
  // OpenRouter, proxies, vLLM's and FastAPI's own error shapes: an error body under status 200.
  if (isErrorBody(json)) return errorIn200(text, ctx);
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices))
    return notOne('the server answered 200 with JSON that is not a chat completion (no choices)');
  if (choices.length === 0) return notOne('the server answered 200 with no answer in it (empty choices)');
  const first = firstChoice(choices) as { message?: unknown; finish_reason?: unknown; error?: unknown };
  if (typeof first.message !== 'object' || first.message === null)
    return notOne(
      'the server answered 200 with a choice that holds no message (a text completion? jcb calls /chat/completions)',
    );
  const content = otherContent((first.message as { content?: unknown }).content);
  if (content) return notOne(`the server answered 200 with a message whose content is ${content}, not text`);
  // The server, not the model, ended the answer: OpenRouter's `finish_reason: "error"` (with the choice's
  // `error`), vLLM's and SGLang's `"abort"`. What text there is, is cut: never an answer, never cached.
  if (first.finish_reason === 'error' || first.finish_reason === 'abort' || (first.error ?? null) !== null) {
    const said = first.error ? errorBody(JSON.stringify({ error: first.error }), 'application/json').message : '';
    return {
      retryable: true,
      message: `the server answered 200 but ended the answer itself (finish_reason ${JSON.stringify(first.finish_reason ?? null)})${said ? `: ${oneLine(said, ctx.secrets)}` : ''}`,
      ...sideOf('ended by the server'),
    };
  }
  return undefined;
}

/** The choice with `index: 0` (with n > 1 a server may list them in any order), else the first listed. */
const firstChoice = (choices: unknown[]): Record<string, unknown> =>
  ((choices.find((c) => (c as { index?: unknown } | null)?.index === 0) ?? choices[0]) as Record<string, unknown>) ??
  {};

/**
 * A message's content of a type LangChain cannot read, named (`a number`, `an object`, `an array holding a
 * string`), or undefined for text: a string, null, or a list of typed parts (objects; none is an empty answer).
 */
function otherContent(content: unknown): string | undefined {
  if (content === undefined || content === null || typeof content === 'string') return undefined;
  const kind = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
  if (!Array.isArray(content)) return kind(content);
  const odd = content.find((part) => typeof part !== 'object' || part === null || Array.isArray(part));
  return odd === undefined ? undefined : `an array holding ${kind(odd)}`;
}

/** A 200 body whose choices are out of index order, with them in order (LangChain reads the first listed). */
function inIndexOrder(text: string): string {
  const json = parseJson(text) as { choices: { index?: unknown }[] };
  const at = (c: { index?: unknown }) => (typeof c?.index === 'number' ? c.index : Infinity);
  if (json.choices.every((c, i) => i === 0 || at(json.choices[i - 1]) <= at(c))) return text;
  json.choices = [...json.choices].sort((a, b) => at(a) - at(b));
  return JSON.stringify(json);
}

/** An error body a server sent with status 200: its message; retried when its own code is 429 or 5xx. */
function errorIn200(text: string, ctx: ServerContext): Failure {
  const { message, code, status = NaN } = errorBody(text, 'application/json');
  return {
    retryable: status === 429 || status >= 500,
    message: `the server answered 200 with an error instead of an answer${code ? ` (code ${code})` : ''}: ${oneLine(message, ctx.secrets)}`,
    ...sideOf(status >= 500 ? 'error in 200, code 5xx' : 'error in 200'),
  };
}

/** A connection that failed: the server not reached, whatever the cause. */
function connectionFailure(err: unknown, ctx: ServerContext): Failure {
  const failure = connectionCause(err, ctx);
  // Which setting holds the address: the operator's to check (the address itself is never shown).
  const where =
    ctx.baseUrl && failure.message.startsWith('could not connect') && !failure.message.includes('{{fix:')
      ? operatorFix(` (${ctx.baseUrlSetting ?? BASE_URL_SETTING})`)
      : '';
  return { ...failure, message: `${failure.message}${where}`, ...sideOf('connection') };
}

/**
 * The cause of a failed connection, from undici's error codes. Names the server, never its address (README
 * "Secrets": no URL in front of a user); a fix that needs the address names its setting.
 */
function connectionCause(err: unknown, ctx: ServerContext): Failure {
  const codes = [] as string[];
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code) codes.push(e.code);
  const code = codes.join(' ');
  const server = ctx.baseUrl ? 'the server' : 'the OpenAI API';
  const setting = ctx.baseUrl ? (ctx.baseUrlSetting ?? BASE_URL_SETTING) : 'OPENAI_BASE_URL';
  const at = `could not connect to ${server}`;
  // WHATWG fetch refuses some ports outright (6000, 6665-6669, 9, …: its "bad port" list), before any connection.
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.message === 'bad port')
      return {
        retryable: false,
        message: `${at} (a port fetch refuses to call)${operatorFix(': serve the model on another port')}`,
      };
  if (/ECONNREFUSED/.test(code))
    return { retryable: true, message: `${at} (connection refused): is the server running?` };
  // Connected, then closed or reset by the server before a byte of answer (a crashed worker, a proxy's idle cut).
  if (/ECONNRESET|EPIPE|UND_ERR_SOCKET/.test(code))
    return {
      retryable: true,
      message: `the connection dropped before any answer: ${server} ${/ECONNRESET/.test(code) ? 'reset' : 'closed'} it`,
    };
  if (/ENOTFOUND|EAI_AGAIN/.test(code))
    return { retryable: false, message: `${at} (host not found)${operatorFix(`: check the host name in ${setting}`)}` };
  if (/SSL|TLS|CERT|EPROTO/i.test(code))
    return {
      retryable: false,
      message: `${at} (TLS failed: ${code})${operatorFix(': is the server http rather than https?')}`,
    };
  return { retryable: true, message: `${at} (${code || 'connection error'})` };
}

/**
 * A body that could not be read whole: one its `Content-Encoding` does not decode (zlib's and brotli's errors,
 * `Z_DATA_ERROR`, …: not retried, the server sends it so), else a connection dropped in the middle (retried).
 */
function bodyFailure(err: unknown, encoding: string | null): Failure {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (typeof e.code === 'string' && /^(Z_|ERR_BROTLI|ERR__?ZLIB)/.test(e.code))
      return {
        retryable: false,
        message: `the server's answer could not be decoded (it says Content-Encoding: ${encoding ?? 'none'}, and the body is not that)`,
        ...sideOf('body unreadable'),
      };
  return {
    retryable: true,
    message: 'the connection dropped before the answer was complete',
    ...sideOf('body unreadable'),
  };
}

const isAbort = (err: unknown) =>
  (err as { name?: string })?.name === 'AbortError' || (err as { name?: string })?.name === 'TimeoutError';

/**
 * The `fetch` jcb's OpenAI client uses: the answer read whole (within the request's timeout), and anything
 * that is not a 200 chat completion thrown as a ServerReplyError. Aborts (timeout, interruption) pass through.
 */
export function serverFetch(ctx: ServerContext): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (err) {
      if (isAbort(err) || init?.signal?.aborted) throw err;
      throw new ServerReplyError(connectionFailure(err, ctx));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      if (isAbort(err) || init?.signal?.aborted) throw err;
      throw new ServerReplyError(bodyFailure(err, response.headers.get('content-encoding')));
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok) throw new ServerReplyError(statusFailure(response.status, response.headers, text, ctx));
    const wrong = notCompletion(text, contentType, ctx);
    if (wrong) throw new ServerReplyError(wrong);
    return new Response(inIndexOrder(text), { status: response.status, headers: response.headers });
  };
}

/** Any error of a request as one failure: jcb's own reading of the reply, else a timeout, else as it came (redacted). */
export function classifyError(err: unknown, ctx: ServerContext): Failure {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++)
    if (e instanceof ServerReplyError) return e.failure;
  const e = (err ?? {}) as { name?: string; message?: string };
  const message = e.message ?? String(err);
  if (e.name === 'TimeoutError' || /timed? ?out/i.test(message))
    return {
      retryable: true,
      retryLimit: 1,
      ...sideOf('timeout'),
      message: `no answer within ${ctx.timeoutMs / 1000} s${operatorFix(` (timeoutMs ${ctx.timeoutMs}): raise timeoutMs in models.yml if the server is slow`)}`,
    };
  return { retryable: false, message: oneLine(message.replace(/Troubleshooting URL:\s*\S+/g, ''), ctx.secrets) };
}
