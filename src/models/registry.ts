// The model registry (data/models.yml, or the file JCB_MODELS names), validated at the boundary.
import { issueLine } from '../base/issues.js';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parseYamlText } from '../base/yaml-text.js';
import { z } from 'zod';
import { normalizeToken, unknownName } from '../base/suggest.js';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { missingSetting } from '../base/missing-setting.js';
import { filesStamp } from '../base/stamp.js';
import { projectRoot } from '../base/project.js';
import { isReasoningFamily, OWN_FIELDS } from './family.js';
import { hasCredentials } from './server-reply.js';
import { parseThinking } from './thinking.js';

const label = z.string().min(1).optional();

const replayModel = z.strictObject({
  provider: z.literal('replay'),
  label,
  /** The model's folder name in the release's generated/ and results/ trees. */
  release: z.string().min(1),
});

const baselineModel = z.strictObject({ provider: z.literal('baseline'), label });

/** The default `promptCutRatio`: an answer that read under 80 % of the prompt's tokens read a cut prompt. */
export const PROMPT_CUT_RATIO = 0.8;

const liveFields = {
  label,
  /** The model name the server knows (`gpt-4o`, `llm-jp/llm-jp-3-8x13b-instruct3`). */
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as OPENAI_API_KEY')
    .optional(),
  /** Default 0, left out for reasoning models (src/models/request.ts); `null` leaves it out for any model. */
  temperature: z.number().min(0).max(2).nullable().optional(),
  /** Default 1,024 (8,192 for reasoning models, whose reasoning counts against it). */
  maxTokens: z.number().int().positive().optional(),
  /** Reasoning models only (gpt-5*, o1*, o3*, o4*): sent as `reasoning_effort`. */
  reasoningEffort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
  /** Further body fields sent as they are, e.g. vLLM's `top_p`, `repetition_penalty`, `chat_template_kwargs`. */
  extraBody: z
    .record(z.string(), z.unknown())
    .refine((body) => !OWN_FIELDS.some((f) => f in body), {
      message: `extraBody may not set ${OWN_FIELDS.join(', ')}: use temperature and maxTokens`,
    })
    .optional(),
  /**
   * OpenAI-compatible servers: top_p sent (default 1, so the server's generation config never applies);
   * `null` leaves it out; `extraBody.top_p` wins over it.
   */
  topP: z.number().gt(0).max(1).nullable().optional(),
  /** Open reasoning models: `on`, `off` or `budget N`, mapped per family and server (src/models/thinking.ts). */
  thinking: z
    .union([z.string(), z.boolean()])
    .transform((v, ctx) => {
      const setting = parseThinking(v);
      if (setting === undefined)
        ctx.addIssue({ code: 'custom', message: 'on, off or budget N (tokens), e.g. budget 2048' });
      return setting ?? 'on';
    })
    .optional(),
  /** Tags the model writes its thinking in, where they are not the usual ones (src/models/answer.ts). */
  thinkTags: z
    .array(z.strictObject({ open: z.string().min(1), close: z.string().min(1) }))
    .min(1)
    .optional(),
  /**
   * A response whose prompt_tokens is below this share of jcb's own count of the prompt was read from a
   * prompt the server cut (its context is too short): the document is marked, not scored as an answer.
   */
  promptCutRatio: z.number().gt(0).max(1).default(PROMPT_CUT_RATIO),
  /** US dollars per million tokens, for cost estimates and --max-cost. */
  prices: z
    .strictObject({
      input: z.number().min(0),
      /** Prompt tokens the provider served from its prompt cache (default: the input price). */
      cachedInput: z.number().min(0).optional(),
      output: z.number().min(0),
    })
    .optional(),
  /** Requests in flight at once. */
  concurrency: z.number().int().positive().default(4),
  /** Requests started per minute, at most. */
  rpm: z.number().positive().optional(),
  timeoutMs: z.number().int().positive().default(120_000),
  /** Retries after a 429, a 5xx, a timeout or a dropped connection. */
  maxRetries: z.number().int().min(0).default(5),
  /** Whether free text from users (the Slack bot) may be sent to this provider. */
  freeText: z.boolean().default(false),
  /** Where the model runs: free text with personal information is never sent to an external one as is. */
  dataPolicy: z.enum(['external', 'on-premises']).default('external'),
};

/**
 * A server's base URL: http or https, with no user or password in it (fetch refuses to send such a URL, and
 * it would be printed and stored with every run) and no query string or fragment (`?api_key=…` would be
 * printed and stored the same way, and `/chat/completions` goes after the path, so the request would go
 * nowhere): a key goes in the variable `apiKeyEnv` names. OPENAI_BASE_URL is checked by the same rule.
 */
export const baseUrlSchema = z
  .url({
    protocol: /^https?$/,
    error: 'a URL starting with http:// or https://, then the host, its port and the path (…/v1 for vLLM)',
  })
  .refine((url) => !hasCredentials(url), {
    message: 'a URL with no user or password in it (user:password@ is never sent): put the key in apiKeyEnv',
  })
  .refine((url) => !/[?#]/.test(url), {
    message:
      'a URL with no query string or fragment (?…, #…; /chat/completions goes after the path): put the key in apiKeyEnv, or OPENAI_API_KEY',
  });

/** What OPENAI_BASE_URL must be, as its refusal says it (src/services/env.ts, src/models/request.ts). */
export const OPENAI_BASE_URL_RIGHT = 'an http:// or https:// URL of an OpenAI-compatible API (…/v1), or unset';

const openaiModel = z.strictObject({
  provider: z.literal('openai'),
  ...liveFields,
  baseUrl: baseUrlSchema.optional(),
  apiKeyEnv: liveFields.apiKeyEnv.default('OPENAI_API_KEY'),
});

const compatibleModel = z.strictObject({
  provider: z.literal('openai-compatible'),
  ...liveFields,
  /** The server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (vLLM), :11434/v1 (Ollama). */
  baseUrl: baseUrlSchema,
  /** Which server it is, for the thinking setting (default: ollama on port 11434, else vllm). */
  server: z.enum(['vllm', 'sglang', 'ollama']).optional(),
});

/**
 * Every option of a live model's entry, both providers: what the response cache's key must weigh (in it when
 * it changes what is asked or how the answer is read; test/cache-key.test.ts goes through each).
 */
export const LIVE_MODEL_OPTIONS: readonly string[] = [
  ...new Set([...Object.keys(openaiModel.shape), ...Object.keys(compatibleModel.shape)]),
];

const modelEntry = z
  .discriminatedUnion('provider', [replayModel, baselineModel, openaiModel, compatibleModel])
  .refine((m) => !('reasoningEffort' in m && m.reasoningEffort) || isReasoningFamily(m.model), {
    path: ['reasoningEffort'],
    message: 'only reasoning models (gpt-5*, o1*, o3*, o4*) take it; for another server use extraBody',
  })
  // OpenAI's reasoning models answer HTTP 400 to any temperature but the default (1).
  .refine(
    (m) =>
      !('temperature' in m) || typeof m.temperature !== 'number' || m.temperature === 1 || !isReasoningFamily(m.model),
    {
      path: ['temperature'],
      message: 'reasoning models (gpt-5*, o1*, o3*, o4*) refuse any temperature but the default: leave it out',
    },
  );
export const aliasSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'aliases are lower-case letters, digits, . _ -');
const registryFile = z.strictObject({ models: z.record(aliasSchema, modelEntry) });

export type ModelConfig = z.infer<typeof modelEntry> & { alias: string; label: string };
export type LiveModelConfig = Extract<ModelConfig, { provider: 'openai' | 'openai-compatible' }>;
export type Provider = ModelConfig['provider'];

export function registryPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.JCB_MODELS || path.join(projectRoot(), 'data', 'models.yml');
}

export function parseRegistry(text: string, source: string): ModelConfig[] {
  const raw = parseYamlText(text, 'The model registry', source);
  // Checked first so that a bad alias is named (zod reports only "invalid key").
  const aliases = Object.keys((raw as { models?: object } | null)?.models ?? {});
  const badAlias = aliases.find((a) => !aliasSchema.safeParse(a).success);
  if (badAlias !== undefined)
    throw new UserError(
      `The model registry is not valid${operatorFix(`: ${source}: models.${badAlias}: aliases are lower-case letters, digits, . _ -`)}`,
    );
  const result = registryFile.safeParse(raw);
  if (!result.success) {
    // Its keys (baseUrl, timeoutMs, …) are the operator's words: Slack says whom to ask.
    throw new UserError(
      `The model registry is not valid${operatorFix(`: ${source}: ${issueLine(result.error.issues[0])}`)}.`,
    );
  }
  return Object.entries(result.data.models).map(([alias, m]) => ({ ...m, alias, label: m.label ?? alias }));
}

// Read again only when the file changes (the bot asks for the models on every request).
const parsed = new Map<string, { stamp: string; models: ModelConfig[] }>();

export function loadModels(env: NodeJS.ProcessEnv = process.env): ModelConfig[] {
  const file = registryPath(env);
  // Where the file is and which variable names it are the operator's (Slack: "ask the bot's operator").
  const hint = operatorFix('Point JCB_MODELS at a models.yml file, or unset it.');
  if (!existsSync(file)) throw new UserError(`No model registry${operatorFix(` at ${file}`)}.`, hint);
  if (statSync(file).isDirectory())
    throw new UserError(`The model registry is a folder${operatorFix(` (${file})`)}.`, hint);
  const stamp = filesStamp([file]);
  const known = parsed.get(file);
  if (known?.stamp === stamp) return known.models;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `The model registry cannot be read (${(err as NodeJS.ErrnoException).code})${operatorFix(`: ${file}`)}.`,
      hint,
    );
  }
  const models = parseRegistry(text, file);
  parsed.set(file, { stamp, models });
  return models;
}

export function findModel(alias: string, env: NodeJS.ProcessEnv = process.env): ModelConfig {
  const models = loadModels(env);
  const found = models.find((m) => m.alias === normalizeToken(alias).toLowerCase());
  if (!found) {
    const aliases = models.map((m) => m.alias);
    throw unknownName('model', alias, aliases, `Known models: ${aliases.join(', ')}.`);
  }
  return found;
}

/**
 * Whether a model can be used right now, and if not, what is missing: `why` in the operator's words (a variable,
 * a server's address: the terminal's), `said` in words for anyone (Slack: no variable, file or address).
 */
export function availability(
  model: ModelConfig,
  env: NodeJS.ProcessEnv,
  hasRelease: boolean,
): { usable: boolean; why: string; said: string } {
  switch (model.provider) {
    case 'replay':
      return hasRelease
        ? { usable: true, why: 'release found', said: 'release found' }
        : { usable: false, why: 'no release (set JCB_DATA_DIR)', said: 'no release on this server' };
    case 'baseline':
      return { usable: true, why: 'no network needed', said: 'no network needed' };
    default:
      const noKey = model.apiKeyEnv && missingSetting(env, model.apiKeyEnv);
      if (noKey) return { usable: false, why: noKey, said: 'no API key on this server' };
      return { usable: true, why: model.baseUrl ?? 'api.openai.com', said: 'live' };
  }
}

/** Adds an entry to the registry file, keeping its comments; the entry is validated first. */
/** An entry's key as the option of `models add` that sets it: baseUrl → --base-url. */
const optionOf = (p: readonly PropertyKey[]) =>
  p.length ? `--${String(p[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'the entry';

export function addModel(
  alias: string,
  entry: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): ModelConfig {
  const file = registryPath(env);
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.hasIn(['models', alias]))
    throw new UserError(`Model "${alias}" is already in ${file}.`, 'Edit it there, or pick another alias.');
  // Checked alone first, so that a refusal names what was typed (the alias, `--base-url`), not the registry's key.
  const alias_ = aliasSchema.safeParse(alias);
  if (!alias_.success) throw new UserError(`Model "${alias}" not added: ${alias_.error.issues[0].message}.`);
  const checked = modelEntry.safeParse(entry);
  if (!checked.success)
    throw new UserError(`Model "${alias}" not added: ${issueLine(checked.error.issues[0], optionOf)}.`);
  doc.setIn(['models', alias], entry);
  const updated = doc.toString();
  const added = parseRegistry(updated, file).find((m) => m.alias === alias)!;
  writeFileSync(file, updated);
  return added;
}

/** The entry as a live model, or a one-line refusal naming what it is instead. */
export function liveModel(model: ModelConfig): LiveModelConfig {
  if (model.provider === 'replay' || model.provider === 'baseline')
    throw new UserError(
      `${model.alias} is a ${model.provider === 'replay' ? 'replayed' : 'baseline'} model: it sends no request.`,
      'See `jcb models` for the live ones.',
    );
  return model;
}

// The policy decides where a model's text goes (src/policy/data-policy.ts); kept importable from here.
export { dataPolicyOf, type DataPolicy } from '../policy/data-policy.js';
