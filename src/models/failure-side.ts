// Whose failure a server's reply is: the server's (down: wait), the configuration's (the key, the model name,
// the quota, a setting jcb sends: every document fails so until the operator fixes models.yml or the account),
// or the document's (the next may not fail). Read by server-reply.ts for every Failure it builds.
import { operatorFix } from '../base/shown.js';
import type { Failure } from './limits.js';

/**
 * Whose failure each kind of reply is. `server`: the server is down, still loading, crashed or not reached, and
 * while that lasts every document fails so: a run stops taking documents after unreachableLimit of them in a
 * row failed on the server's side (src/evaluation/engine.ts). `configuration`: the server works but refuses how
 * jcb is set up to call it: a run stops after CONFIGURATION_IN_A_ROW of them in a row, those not stored (asked
 * again on resume). `document`: this request failed; the next may not.
 */
export const FAILURE_SIDE = {
  /** Refused, reset or closed before any answer, host not found, TLS, a port fetch refuses. */
  connection: 'server',
  /** No answer within timeoutMs. */
  timeout: 'server',
  /** Any 5xx: 500 (a crashed worker, its traceback), 502 and 504 from a proxy before a dead server, 503 while loading. */
  'status 5xx': 'server',
  /** A 200 whose body is an error with a 5xx code (vLLM's `{object: "error", code: 500}`, a proxy's `{error: {code: 502}}`). */
  'error in 200, code 5xx': 'server',
  /** 401 (a wrong key, none sent), 403 (a key that may not use the model). */
  'key refused': 'configuration',
  /** 404 saying the model does not exist (Ollama's `not found, try pulling it`, vLLM's `does not exist`, OpenAI's `model_not_found`). */
  'model not found': 'configuration',
  /** 429 `insufficient_quota`: the account's quota is spent (waiting does not help), not a rate limit. */
  'quota spent': 'configuration',
  /** 400 but a prompt too long or filtered: a parameter jcb sends that the model does not take, or the document's. */
  'status 400': 'configuration',
  /** 400 for a prompt too long or filtered, 404 of a path, 422, 429 (rate limit): refused by a server that works. */
  'status 4xx': 'document',
  /** A 200 whose body is an error with a 4xx code or none (FastAPI's `{detail}`). */
  'error in 200': 'document',
  /** A 200 that is no chat completion, or whose message's content is not text. */
  'not a completion': 'document',
  /** A 200 whose answer the server ended itself (`finish_reason` `error` or `abort`). */
  'ended by the server': 'document',
  /** A body that dropped before its end, or could not be decoded (`Content-Encoding` it is not in). */
  'body unreadable': 'document',
} as const satisfies Record<string, 'server' | 'configuration' | 'document'>;

export type ReplyKind = keyof typeof FAILURE_SIDE;
type ConfigurationKind = { [K in ReplyKind]: (typeof FAILURE_SIDE)[K] extends 'configuration' ? K : never }[ReplyKind];

/**
 * Documents in a row failed so after which a run stops: 1 where no document can be the cause, 2 for a 400 (one
 * document's odd refusal is stored failed and the run goes on; a second in a row is the setting's).
 */
export const CONFIGURATION_IN_A_ROW: Record<ConfigurationKind, number> = {
  'key refused': 1,
  'model not found': 1,
  'quota spent': 1,
  'status 400': 2,
};

/** A failure's side for a kind of FAILURE_SIDE, spread into its Failure: `serverDown`, `misconfigured`, or nothing. */
export function sideOf(kind: ReplyKind): Pick<Failure, 'serverDown' | 'misconfigured'> {
  const side: string = FAILURE_SIDE[kind];
  if (side === 'server') return { serverDown: true };
  return side === 'configuration' ? { misconfigured: CONFIGURATION_IN_A_ROW[kind as ConfigurationKind] } : {};
}

/** A 400 that is the document's: its prompt too long for the context, or refused by a content filter. */
const DOCUMENT_400 =
  /context|too long|too many (input )?tokens|prompt is too|content[_ ]?(filter|policy|management)|safety|flagged|responsibleai/i;

/** The kind of an HTTP error status, from the status and the server's `code` and message. */
export function statusKind(status: number, code: string | undefined, message: string): ReplyKind {
  const said = `${code ?? ''} ${message}`;
  if (status >= 500) return 'status 5xx';
  if (status === 401 || status === 403) return 'key refused';
  if (status === 404 && /model_not_found|model\b.*\b(not found|does not exist|not exist)/i.test(said))
    return 'model not found';
  if (status === 429 && /insufficient_quota|quota/i.test(said)) return 'quota spent';
  if (status === 400 && !DOCUMENT_400.test(said)) return 'status 400';
  return 'status 4xx';
}

/** What the model is, as models.yml names it: its alias, the server's model name, the key's variable. */
export interface Configured {
  alias?: string;
  model?: string;
  apiKeyEnv?: string;
}

/**
 * The operator's fix of a configuration kind (operatorFix-marked, with its leading `: `), in the model registry's words:
 * the key's variable, the model's name, the account's quota, the refused setting. '' for any other kind.
 */
export function configurationFix(kind: ReplyKind, status: number, said: string, c: Configured): string {
  const of = c.alias ? ` of ${c.alias}` : '';
  const key = c.apiKeyEnv ? `the API key in ${c.apiKeyEnv}` : 'an API key';
  const model = c.model ? `model ${c.model}` : 'the model';
  const fixes: Partial<Record<ReplyKind, string>> = {
    'key refused':
      status === 401
        ? c.apiKeyEnv
          ? `: set a valid key in ${c.apiKeyEnv} (apiKeyEnv${of} in the model registry)`
          : `: the server wants a key: name its variable in apiKeyEnv${of} in the model registry`
        : `: ${key} may not use ${model}: use a key that may, or another model`,
    'model not found': `: the server has no ${c.model ? model : 'such model'}: correct model${of} in the model registry${c.model && /pull/i.test(said) ? ` or pull it (ollama pull ${c.model})` : ''}`,
    'quota spent': `: the account of ${key} has no quota left: add credit, or use another key`,
    'status 400': `: if every request${of} is refused so, change or remove the setting it names in the model registry`,
  };
  return fixes[kind] ? operatorFix(fixes[kind]) : '';
}
