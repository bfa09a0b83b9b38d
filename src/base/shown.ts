// What a person may read of a failure, in Slack or in a terminal: one line, never a secret, an address or a
// stack trace (a server's base URL such as "could not connect to http://10.0.0.5:8000/v1" is the operator's,
// for the logs and `jcb models`). Every face renders failure text through `forPeople`; stored base URLs and
// engine descriptions go through `redactCredentials` wherever they are shown or exported.

/** Marks the operator's fix inside a failure's text (it survives storage: document errors, queue jobs' reasons). */
const FIX = /\{\{fix:([^}]*)(?:\}\}|$)/g;

/** What Slack says instead of an operator's fix (a setting, file, variable or host its users cannot change). */
export const ASK_OPERATOR = "; ask the bot's operator";

/**
 * `fix` (the operator's remedy, with its own leading punctuation, e.g. `: raise timeoutMs in models.yml`) marked
 * for `forPeople`: a terminal shows it as written, Slack says {@link ASK_OPERATOR} instead. `fix` holds no `}`.
 */
export const operatorFix = (fix: string): string => `{{fix:${fix.replace(/[{}]/g, '')}}}`;

/**
 * Who reads a text: a Slack user (`chat`), the terminal's user, who is the operator (`terminal`), or either later
 * (`kept`: redacted as for the terminal, operator's fixes still marked, for text stored or passed on).
 */
export type Face = 'chat' | 'terminal' | 'kept';

/** `text` with its operator's fixes as `face` shows them (once in chat: several fixes, one request). */
export function operatorFixFor(text: string, face: Face): string {
  if (face === 'kept') return text;
  if (face === 'terminal') return text.replace(FIX, '$1');
  let asked = false;
  return text.replace(FIX, () => (asked ? '' : ((asked = true), ASK_OPERATOR)));
}

/** Query parameters that carry a secret (`?api_key=…`, `&token=…`, Azure's `sig`), any case, `-` or `_`. */
const SECRET_PARAM =
  /([?&;](?:api[_-]?key|apikey|key|access[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd|auth|sig|signature)=)[^&#\s"'<>]*/gi;

/** A URL's userinfo (`user:password@`), up to the authority's last `@` (a password may hold another). */
const USERINFO = /([a-z][\w+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;

/**
 * `text` with the credentials of every URL in it masked: userinfo to `***@`, secret-like query parameters'
 * values to `[key]`; any `Bearer`/`Basic` token and anything shaped like an OpenAI key (`sk-…`) too.
 * `http://user:pw@host/v1?api_key=x` → `http://***@host/v1?api_key=[key]`. The rest is left as it was.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(USERINFO, '$1***@')
    .replace(SECRET_PARAM, '$1[key]')
    .replace(/\b(Bearer|Basic)\s+(?!\[key\])[^\s"',;]+/gi, '$1 [key]')
    .replace(/\bsk-(?!\*|\[key\])[\w-]{6,}/g, 'sk-[key]');
}

/** A line of a stack trace: JavaScript's `at f (file:1:2)`, Python's `File "x.py", line 3`, their headers. */
const FRAME = /^\s*(?:at\s|File "|Traceback \(most recent call last\)|\.\.\. \d+ more)/;

/**
 * A stack trace inside a line (a server's body flattened to one): JavaScript's ` at f (` or ` at /file:1:2`,
 * Python's `Traceback (most recent call last)` or `File "x.py", line 3`.
 */
const INLINE_FRAME =
  /\s(?:at\s+(?:new\s+)?[\w$.<>[\]]+\s+\(|at\s+\S+:\d+:\d+|Traceback \(most recent call last\)|File "[^"]+", line \d+)/;

/**
 * Any address with a scheme (`http://…`, `redis://:pw@…`, `file:///…`, an IPv6 host in brackets), up to a blank or
 * a closing mark; not a bare `http://`.
 */
const ADDRESS = /\b[a-z][a-z0-9+.-]*:\/\/(?=[\w[/%~.*:-])(?:\[[^\s\]]*\]|[^\s)>\]'"`])+/gi;

/** A replaced address's or path's trailing full stop, comma or colon: the sentence's, kept. */
const ending = (s: string) => /[.,:;]$/.exec(s)?.[0] ?? '';

/** A place in code: `…/x.js:12:3`, `/opt/vllm/engine.py:42`, `node_modules/…`, `node:internal/…`: never anyone's own file. */
const CODE_PLACE =
  /(?:\bnode:internal\/\S+|(?:[\w.~-]*\/)*node_modules\/[^\s()]+|[^\s()]+\.[a-z]\w{0,3}:\d+(?::\d+)?)/gi;

/** An absolute path of two or more parts (`/srv/jcb/x.db`, `~/data/x`), not a `/jcb` command nor `a/b`. */
const PATH = /(?<![\w.~`:/])~?\/(?:[^\s/()`'"]+\/)+[^\s/()`'",;]*/g;

/**
 * A failure as a person may read it: what comes before a stack trace, on lines of its own or inside one (blank
 * lines out), credentials masked, every address replaced by `[address]` and every place in code (a frame's
 * file, a file and line number, node_modules) by `[path]`. For
 * `chat` (Slack: the server's files are no business of its users) every absolute path too; a terminal keeps
 * other paths, which are its operator's own (the store, an `-o` folder). Trailing punctuation of a replaced
 * path stays. Rule: README "Commands" (one-line errors), the preamble's style (no stack traces, paths, URLs).
 */
export function forPeople(text: string, face: Face): string {
  const lines = operatorFixFor(text, face).split(/\r?\n/);
  const frame = lines.findIndex((l) => FRAME.test(l));
  let kept = (frame < 0 ? lines : lines.slice(0, frame)).filter((l) => l.trim() !== '').join('\n');
  const inline = INLINE_FRAME.exec(kept);
  if (inline) kept = kept.slice(0, inline.index).replace(/[\s:;,-]+$/, '');
  // Addresses first, whole: masking their keys first would leave `…[key]` for the address to stop short of.
  let out = redactCredentials(kept.replace(ADDRESS, (a) => `[address]${ending(a)}`)).replace(CODE_PLACE, '[path]');
  if (face === 'chat') out = out.replace(PATH, (p) => `[path]${ending(p)}`);
  return out.trim();
}

/**
 * The keys of a JSON value (`--json`, `-o x.json`) that hold stored or passed-on failure text even when unmarked
 * (rows stored before fixes were marked): a run's `cause` and `firstFailure` (RunProgress), `failures[].error`
 * (RunSummary), a document's `error`. Any other string holding an operator's fix mark is failure text too, under
 * whatever key (FIX is made only by `operatorFix`). Model outputs and people's text are left as they are.
 */
const FAILURE_KEYS = new Set(['cause', 'firstFailure', 'error']);

/** Whether `text` holds an operator's fix mark (`operatorFix`), so is failure text wherever it sits. */
const marked = (text: string): boolean => text.includes('{{fix:');

/**
 * `value` as indented JSON, its failure text through `forPeople` for `face`: any string holding a fix mark, at any
 * depth or key (an array's item, a new field), and FAILURE_KEYS' strings. Never a raw fix marker.
 */
export const jsonForPeople = (value: unknown, face: Face): string =>
  JSON.stringify(
    value,
    (key, v: unknown) => (typeof v === 'string' && (FAILURE_KEYS.has(key) || marked(v)) ? forPeople(v, face) : v),
    2,
  );
