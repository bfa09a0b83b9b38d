// A stand-in for the OpenAI chat completions API that refuses what the real one refuses, with its error
// shapes (observed from api.openai.com): no or wrong key, temperature or max_tokens sent to a reasoning
// model, reasoning_effort or unknown fields sent to another model. For nock and for a loopback server.
// `openServerReply` answers as the open servers do (vLLM, Ollama, SGLang): thinking in their fields or
// tags, `content: null`, a prompt cut to Ollama's context (issue 21).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

export interface Answer {
  /** A string, `null` (all went into thinking), or typed parts (servers that return thinking as a part). */
  content: string | null | unknown[];
  /** Thinking fields, as each server names them: vLLM ≥ 0.10 and Ollama `reasoning`, SGLang and older vLLM `reasoning_content`, OpenRouter `reasoning_details`. */
  reasoning?: unknown;
  reasoning_content?: unknown;
  reasoning_details?: unknown;
  /** Ollama's own name for it (its native API's shape, kept by some proxies). */
  thinking?: unknown;
  finish_reason?: string;
  usage?: Record<string, unknown>;
}

const refusal = (status: number, message: string, param: string | null, code: string | null) => ({
  status,
  body: { error: { message, type: 'invalid_request_error', param, code } },
});

/** Fields api.openai.com accepts in a chat completion request (the ones jcb could send). */
const KNOWN = new Set([
  'model',
  'messages',
  'stream',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'reasoning_effort',
  'seed',
  'stop',
  'n',
  'presence_penalty',
  'frequency_penalty',
  'service_tier',
]);

/**
 * OpenAI's reasoning models, as a server serving them answers: the name's case does not matter, and a
 * proxy's vendor prefix (OpenRouter's `openai/gpt-5`) names the same model behind it.
 */
const reasoning = (model: string) => {
  const name = model.toLowerCase().split('/').at(-1) ?? '';
  return /^o\d/.test(name) || (name.startsWith('gpt-5') && !name.startsWith('gpt-5-chat'));
};

/** The API's answer to a request: a refusal, or a completion of `answer(body)`. */
export function openaiReply(
  body: Record<string, unknown>,
  authorization: string | undefined,
  answer: (body: Record<string, unknown>) => Answer,
  key = 'sk-test',
): { status: number; body: unknown } {
  if (!authorization)
    return refusal(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      null,
      null,
    );
  if (authorization !== `Bearer ${key}`)
    return refusal(
      401,
      'Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.',
      null,
      'invalid_api_key',
    );
  const model = String(body.model);
  const unknown = Object.keys(body).find((k) => !KNOWN.has(k));
  if (unknown) return refusal(400, `Unrecognized request argument supplied: ${unknown}`, null, null);
  if (reasoning(model)) {
    if ('max_tokens' in body)
      return refusal(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        'max_tokens',
        'unsupported_parameter',
      );
    if ('temperature' in body && body.temperature !== 1)
      return refusal(
        400,
        `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
        'temperature',
        'unsupported_value',
      );
  } else if ('reasoning_effort' in body) {
    return refusal(
      400,
      "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
      'reasoning_effort',
      'unsupported_parameter',
    );
  }
  const a = answer(body);
  return { status: 200, body: completion(model, a) };
}

export function completion(model: string, a: Answer) {
  const fields = (['reasoning', 'reasoning_content', 'reasoning_details', 'thinking'] as const).filter(
    (f) => a[f] !== undefined,
  );
  const message = { role: 'assistant', content: a.content, ...Object.fromEntries(fields.map((f) => [f, a[f]])) };
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message, finish_reason: a.finish_reason ?? 'stop' }],
    usage: a.usage ?? {
      prompt_tokens: 100,
      completion_tokens: 20,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: reasoning(model) ? 12 : 0 },
    },
  };
}

/** The same API on a loopback port (for the CLI in a child process). */
export async function loopbackOpenAI(answer: (body: Record<string, unknown>) => Answer, key = 'sk-test') {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      bodies.push(body);
      const reply = openaiReply(body, req.headers.authorization, answer, key);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Which open server a stand-in plays, and its context length in tokens (Ollama's default is 4,096; vLLM's the model's). */
export interface OpenServer {
  kind: 'vllm' | 'ollama' | 'sglang';
  contextTokens: number;
}

/** Prompt tokens as the stand-in's "model" counts them: o200k_base over the messages, plus the chat formatting. */
export const servedPromptTokens = (body: Record<string, unknown>) =>
  (body.messages as { content: string }[]).reduce((n, m) => n + countTokens(m.content), 0) + 7;

/**
 * An open server's answer to a request. vLLM refuses (400, its message) a prompt plus max_tokens over its
 * context and a temperature or top_p out of range, and accepts any other field; Ollama cuts a long prompt
 * to its context without a word (its prompt_tokens tell) and accepts anything; SGLang answers as vLLM.
 * None of them reports reasoning tokens; thinking comes in the Answer's own fields or tags.
 */
export function openServerReply(
  body: Record<string, unknown>,
  server: OpenServer,
  answer: (body: Record<string, unknown>) => Answer,
): { status: number; body: unknown } {
  const prompt = servedPromptTokens(body);
  const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? 16);
  if (server.kind !== 'ollama') {
    const bad = (message: string) => ({
      status: 400,
      // vLLM's error body since its OpenAI-style `error` object (older versions put these fields at the top).
      body: { error: { message, type: 'BadRequestError', param: null, code: 400 } },
    });
    if (typeof body.temperature === 'number' && (body.temperature < 0 || body.temperature > 2))
      return bad(`temperature must be in [0, 2], got ${body.temperature}.`);
    if (typeof body.top_p === 'number' && (body.top_p <= 0 || body.top_p > 1))
      return bad(`top_p must be in (0, 1], got ${body.top_p}.`);
    if (prompt + maxTokens > server.contextTokens)
      return bad(
        `This model's maximum context length is ${server.contextTokens} tokens. However, you requested ${prompt + maxTokens} tokens (${prompt} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
      );
  }
  const a = answer(body);
  const read = Math.min(prompt, server.contextTokens);
  const usage = a.usage ?? { prompt_tokens: read, completion_tokens: 30, total_tokens: read + 30 };
  return { status: 200, body: completion(String(body.model), { ...a, usage }) };
}

/** An open server on a loopback port (for the CLI in a child process): every request body is kept. */
export async function loopbackOpenServer(server: OpenServer, answer: (body: Record<string, unknown>) => Answer) {
  const bodies: Record<string, unknown>[] = [];
  const http: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      bodies.push(body);
      const reply = openServerReply(body, server, answer);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => new Promise<void>((r) => http.close(() => r())),
  };
}
