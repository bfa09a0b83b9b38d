// What an error body says, in each shape OpenAI-compatible servers and the proxies before them send: read by
// src/models/server-reply.ts for an error status and for a 200 that holds an error instead of an answer.

/**
 * The message of an error body, in each shape servers send: OpenAI's and newer vLLM's `{error: {message}}`,
 * vLLM's and SGLang's classic `{object: "error", message}`, FastAPI's `{detail}` (text, or pydantic's list),
 * `{error: "text"}` (Ollama's native API, proxies); an HTML page by its title; a Python traceback (a crashed
 * uvicorn worker's text/plain 500) by its last line, the exception; any other text as it is. Also the error's
 * code or type, and its numeric code where it has one (`code: 500`, the status the server meant).
 */
export function errorBody(text: string, contentType: string): { message: string; code?: string; status?: number } {
  const json = parseJson(text) as Record<string, unknown> | undefined;
  if (json && typeof json === 'object') {
    const error = json.error;
    if (error && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      return { message: stringOf(e.message ?? e.detail ?? error), ...codeOf(e) };
    }
    if (typeof error === 'string') return { message: error };
    const detail = json.detail;
    const message = json.message ?? (typeof detail === 'string' ? detail : detail && validationDetail(detail));
    if (message !== undefined) return { message: stringOf(message), ...codeOf(json) };
  }
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return { message: `an HTML page${title ? ` ("${title}")` : ''}` };
  }
  if (/^\s*Traceback \(most recent call last\):/.test(text)) {
    const last = text.trim().split('\n').pop()!.trim();
    return { message: last };
  }
  return { message: text.trim() || '(empty body)' };
}

/**
 * Whether a 200's JSON is an error body rather than a chat completion (no `choices`): `{error}` (OpenRouter,
 * proxies), `{object: "error"}` (vLLM, SGLang), `{detail}` (FastAPI: vLLM's and SGLang's routers, LiteLLM).
 */
export function isErrorBody(json: unknown): boolean {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.choices)) return false;
  return (o.error ?? null) !== null || o.object === 'error' || (o.detail ?? null) !== null;
}

/** An error object's `code` (else `type`) as text, and as a status where it is a number (`500`, `"503"`). */
function codeOf(o: Record<string, unknown>): { code?: string; status?: number } {
  const code = stringOf(o.code ?? o.type) || undefined;
  const status = Number(o.code);
  return { code, ...(o.code !== null && Number.isInteger(status) && status >= 100 ? { status } : {}) };
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

/** `text` parsed as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const stringOf = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
