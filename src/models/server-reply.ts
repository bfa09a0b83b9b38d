// The one reader of what an OpenAI-compatible server answers, before LangChain sees it: jcb's own `fetch`
// for the OpenAI client. An error status, a body that is not a chat completion, a failed connection or a
// timeout becomes one line (`Failure`) with the server's own message, truncated and with every secret
// redacted, saying whether a retry can help. Every provider error message and every base URL that reaches
// the store, a log, Slack or the terminal comes through `redact` here first.
import { operatorFix, redactCredentials } from '../base/shown.js';
import type { Failure } from './limits.js';

/** What an HTTP status means to a person running a model. */
export const STATUS_MEANING: Record<number, string> = {
  401: 'invalid API key',
  403: 'the API key may not use this model',
  404: 'no such model or endpoint',
  429: 'rate limit or quota exceeded',
};

/** Longest server message kept (characters): a whole sentence pair such as vLLM's context-length refusal. */
const MAX_MESSAGE = 400;

/** A URL with its user and password masked, and its secret query parameters: `http://***@host/v1?key=[key]`. */
export const safeUrl = (url: string): string => redactCredentials(url);

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

/**
 * The message of an error body, in each shape servers send: OpenAI's and newer vLLM's `{error: {message}}`,
 * vLLM's and SGLang's classic `{object: "error", message}`, FastAPI's `{detail}`, `{error: "text"}` (Ollama's
 * native API, proxies); an HTML page by its title; any other text as it is. Also the error's code or type.
 */
export function errorBody(text: string, contentType: string): { message: string; code?: string } {
  const json = parseJson(text) as Record<string, unknown> | undefined;
  if (json && typeof json === 'object') {
    const error = json.error;
    if (error && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      return { message: stringOf(e.message ?? e.detail ?? error), code: stringOf(e.code ?? e.type) || undefined };
    }
    if (typeof error === 'string') return { message: error };
    const detail = json.detail;
    const message = json.message ?? (typeof detail === 'string' ? detail : detail && validationDetail(detail));
    if (message !== undefined)
      return { message: stringOf(message), code: stringOf(json.code ?? json.type) || undefined };
  }
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return { message: `an HTML page${title ? ` ("${title}")` : ''}` };
  }
  return { message: text.trim() || '(empty body)' };
}

/**
 * FastAPI's validation errors (a 422 of vLLM, SGLang, LiteLLM: `detail: [{loc: ["body", "messages"], msg}]`, as
 * pydantic reports them) as `messages: Field required; …`; any other detail as its JSON.
 */
function validationDetail(detail: unknown): string {
  if (!Array.isArray(detail) || !detail.every((d) => d && typeof d === 'object' && typeof d.msg === 'string'))
    return JSON.stringify(detail);
  return (detail as { loc?: unknown[]; msg: string }[])
    .map(({ loc, msg }) => {
      const at = (Array.isArray(loc) ? loc : []).filter((part) => part !== 'body').join('.');
      return at ? `${at}: ${msg}` : msg;
    })
    .join('; ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const stringOf = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** A reply jcb refused at its fetch: the SDK wraps it as the `cause` of its connection error; `failure` says it all. */
export class ServerReplyError extends Error {
  constructor(readonly failure: Failure) {
    // Neutral text: the SDK tells timeouts by this text, and the failure's own is read from `failure`.
    super('reply refused by jcb');
    this.name = 'ServerReplyError';
  }
}

export interface ServerContext {
  /** The configured base URL (redacted when shown), or undefined for the OpenAI API. */
  baseUrl?: string;
  /** Values never to print or store: the API key. */
  secrets: readonly (string | undefined)[];
  /** The request timeout, named in the timeout's message. */
  timeoutMs: number;
}

/** A 404's hint: where OpenAI-compatible servers serve, when the base URL looks wrong. */
function urlHint(baseUrl: string | undefined): string {
  if (!baseUrl) return '';
  const base = safeUrl(baseUrl).replace(/\/+$/, '');
  if (/\/chat\/completions$/.test(base))
    return ` (the base URL ${base} names the endpoint itself: leave out /chat/completions)`;
  if (!/\/v1$/.test(base)) return ` (the base URL ${base} has no /v1: vLLM, SGLang and Ollama serve under …/v1)`;
  return ` (base URL ${base})`;
}

/** An HTTP error status as a failure: the meaning, the server's message; 429 (not a quota) and 5xx retried. */
function statusFailure(status: number, headers: Headers, text: string, ctx: ServerContext): Failure {
  const { message, code } = errorBody(text, headers.get('content-type') ?? '');
  const quota = status === 429 && /insufficient_quota|quota/i.test(`${code ?? ''} ${message}`);
  const meaning = quota
    ? 'quota exceeded (waiting does not help)'
    : status === 429
      ? 'rate limit exceeded'
      : (STATUS_MEANING[status] ?? (status >= 500 ? 'server error' : ''));
  // A 401's text adds nothing to "invalid API key" and may echo the key (masked or not).
  const said = status === 401 ? '' : oneLine(message, ctx.secrets);
  const hint = status === 404 && ctx.baseUrl ? operatorFix(urlHint(ctx.baseUrl)) : '';
  return {
    retryable: !quota && (status === 429 || status >= 500),
    retryAfterMs: retryAfterMs(headers),
    message: `${status} from the provider: ${[meaning, said].filter(Boolean).join(': ')}${hint}`,
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
  if (/event-stream/i.test(contentType) || /^\s*data:/.test(text))
    return {
      retryable: false,
      message:
        'the server answered with a stream (text/event-stream) although jcb asks stream: false: a streaming-only gateway is not supported',
    };
  const json = parseJson(text);
  if (json === undefined) {
    const what =
      /html/i.test(contentType) || /^\s*</.test(text)
        ? `an HTML page${operatorFix(' (is the base URL right, or a proxy in the way?)')}`
        : 'a body that is not JSON';
    // README: a body that is not JSON is retried, like a 5xx.
    return { retryable: true, message: `the server answered 200 with ${what}, not a chat completion` };
  }
  const choices = (json as { choices?: unknown } | null)?.choices;
  const error = (json as { error?: unknown } | null)?.error;
  // OpenRouter and proxies: an upstream failure as an error body under status 200.
  if (!Array.isArray(choices) && error !== undefined && error !== null) return errorIn200(error, text, ctx);
  if (!Array.isArray(choices))
    return {
      retryable: false,
      message: 'the server answered 200 with JSON that is not a chat completion (no choices)',
    };
  if (choices.length === 0)
    return { retryable: false, message: 'the server answered 200 with no answer in it (empty choices)' };
  const first = (choices[0] ?? {}) as { message?: unknown; finish_reason?: unknown; error?: unknown };
  if (typeof first.message !== 'object' || first.message === null)
    return {
      retryable: false,
      message:
        'the server answered 200 with a choice that holds no message (a text completion? jcb calls /chat/completions)',
    };
  // The server, not the model, ended the answer: OpenRouter's `finish_reason: "error"` (with the choice's
  // `error`), vLLM's and SGLang's `"abort"`. What text there is, is cut: never an answer, never cached.
  if (first.finish_reason === 'error' || first.finish_reason === 'abort' || (first.error ?? null) !== null) {
    const said = first.error ? errorBody(JSON.stringify({ error: first.error }), 'application/json').message : '';
    return {
      retryable: true,
      message: `the server answered 200 but ended the answer itself (finish_reason ${JSON.stringify(first.finish_reason ?? null)})${said ? `: ${oneLine(said, ctx.secrets)}` : ''}`,
    };
  }
  return undefined;
}

/** An error body a server sent with status 200: its message; retried when its own code is 429 or 5xx. */
function errorIn200(error: unknown, text: string, ctx: ServerContext): Failure {
  const { message, code } = errorBody(text, 'application/json');
  const status = Number(typeof error === 'object' ? (error as { code?: unknown }).code : NaN);
  return {
    retryable: status === 429 || status >= 500,
    message: `the server answered 200 with an error instead of an answer${code ? ` (code ${code})` : ''}: ${oneLine(message, ctx.secrets)}`,
  };
}

/** A connection that failed: the server not reached, whatever the cause. */
function connectionFailure(err: unknown, url: string): Failure {
  return { ...connectionCause(err, url), unreachable: true };
}

/** The cause of a failed connection, from undici's error codes. */
function connectionCause(err: unknown, url: string): Failure {
  const codes = [] as string[];
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code) codes.push(e.code);
  const code = codes.join(' ');
  const at = `could not connect to ${safeUrl(url)}`;
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
      message: `the connection dropped before any answer: ${safeUrl(url)} ${/ECONNRESET/.test(code) ? 'reset' : 'closed'} it`,
    };
  if (/ENOTFOUND|EAI_AGAIN/.test(code))
    return { retryable: false, message: `${at} (host not found)${operatorFix(': check the host name in baseUrl')}` };
  if (/SSL|TLS|CERT|EPROTO/i.test(code))
    return {
      retryable: false,
      message: `${at} (TLS failed: ${code})${operatorFix(': is the server http rather than https?')}`,
    };
  return { retryable: true, message: `${at} (${code || 'connection error'})` };
}

const isAbort = (err: unknown) =>
  (err as { name?: string })?.name === 'AbortError' || (err as { name?: string })?.name === 'TimeoutError';

/**
 * The `fetch` jcb's OpenAI client uses: the answer read whole (within the request's timeout), and anything
 * that is not a 200 chat completion thrown as a ServerReplyError. Aborts (timeout, interruption) pass through.
 */
export function serverFetch(ctx: ServerContext): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const base = (ctx.baseUrl ?? url).replace(/\/+$/, '');
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (err) {
      if (isAbort(err) || init?.signal?.aborted) throw err;
      throw new ServerReplyError(connectionFailure(err, base));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      if (isAbort(err) || init?.signal?.aborted) throw err;
      throw new ServerReplyError({ retryable: true, message: 'the connection dropped before the answer was complete' });
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok) throw new ServerReplyError(statusFailure(response.status, response.headers, text, ctx));
    const wrong = notCompletion(text, contentType, ctx);
    if (wrong) throw new ServerReplyError(wrong);
    return new Response(text, { status: response.status, headers: response.headers });
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
      unreachable: true,
      message: `no answer within ${ctx.timeoutMs / 1000} s${operatorFix(` (timeoutMs ${ctx.timeoutMs}): raise timeoutMs in models.yml if the server is slow`)}`,
    };
  return { retryable: false, message: oneLine(message.replace(/Troubleshooting URL:\s*\S+/g, ''), ctx.secrets) };
}
