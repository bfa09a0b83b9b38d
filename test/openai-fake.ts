// A stand-in for the OpenAI chat completions API that refuses what the real one refuses, with its error
// shapes (observed from api.openai.com): no or wrong key, temperature or max_tokens sent to a reasoning
// model, reasoning_effort or unknown fields sent to another model. For nock and for a loopback server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  content: string;
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
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: a.content }, finish_reason: a.finish_reason ?? 'stop' },
    ],
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
