// The shape of an entry of the command table (commands.ts): what the grammar, the help and the path and
// number checks read from it.
import type { PathUse } from '../base/paths.js';

/** Where a command or option works: both faces, the terminal only, or Slack only. */
export type Face = 'both' | 'terminal' | 'slack';

/** What a token names: task and model tokens are read after NFKC; `text` is taken exactly as typed. */
export type TokenKind = 'task' | 'model' | 'text';

/**
 * What a command does with a private task's data (src/policy/data-policy.ts), declared by every command:
 * `sends` its text to the model it names (refused for an external model), writes its `text` to a file or
 * shows it (terminal only), shows its `scores` only (ids, scores, marks), or `none` (never reads it). The
 * audit of private tasks records `sends` and `text` as text and `scores` as scores-only
 * (src/policy/access-audit.ts); the generated private tests read it.
 */
export type PrivateData = 'sends' | 'text' | 'scores' | 'none';

export interface PositionalSpec {
  /** As shown in usage lines, e.g. `<task>` or `<doc-id>|random|all`. */
  shown: string;
  optional?: boolean;
  kind?: TokenKind;
  /** A path the command reads or writes, and the Command field that holds it. */
  path?: { use: PathUse; field: string };
}

export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  /** A one-letter alias, without `-`. */
  short?: string;
  /** The value's placeholder (`N`, `PATH`); absent for a flag. */
  value?: string;
  /** A number's bounds, both included (`N`: whole numbers; `USD`: any amount above 0 up to the maximum). */
  range?: readonly [number, number];
  /** The only values accepted (compared case-insensitively, after NFKC). */
  choices?: readonly string[];
  kind?: TokenKind;
  /**
   * The value is a path: a file written, a folder written into, or something read; checked by
   * src/base/paths.ts before any work. The Command holds it under the name in camelCase (`log-samples` → `logSamples`).
   */
  path?: PathUse;
  /**
   * A file written (`path: 'file'`) whose format its extension names: the formats, as extensions without the dot.
   * The first is what `-` (standard output) gets unless `--format` (or `--json`, for JSON) names another (build.ts).
   */
  formats?: readonly string[];
  description: string;
  faces?: Face;
}

export interface CommandSpec {
  /** As typed: one word, or two for sub-commands (`data pull`). */
  name: string;
  summary: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  /**
   * Typed after `jcb ` (or `/jcb `); each is run by test/examples.test.ts. A run id stands for one of yours
   * (jcb's format, `20261129-020000-3f9a`). An example with an option of one face is shown on that face only.
   */
  examples: string[];
  faces: Face;
  privateData: PrivateData;
  /**
   * The settings it cannot work without (src/services/env.ts NEEDED_SETTINGS), checked before any work: a command
   * that posts to Slack from a terminal needs SLACK_BOT_TOKEN.
   */
  needs?: readonly string[];
  /**
   * The services it speaks to (their settings: ENV_SETTINGS' `service`), checked before any work: each always (true),
   * or only when the option named is given (`eval --queue`). A command that never speaks to Redis is not refused for
   * a bad REDIS_URL.
   */
  uses?: Partial<Record<Service, true | string>>;
}

/** A service some commands speak to, whose settings only those commands check. */
export type Service = 'Redis';

/**
 * The services `spec` speaks to as given: `given(option)` says whether an option (its table name, `queue`) is set.
 */
export function servicesOf(spec: CommandSpec | undefined, given: (option: string) => boolean): Service[] {
  return (Object.entries(spec?.uses ?? {}) as [Service, true | string][])
    .filter(([, when]) => when === true || given(when))
    .map(([service]) => service);
}

/** `-h/--help`, which every command takes. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'Show this help.' };

/** Whether something marked for `faces` is offered on `face`. */
export function offeredOn(faces: Face | undefined, face: 'terminal' | 'slack'): boolean {
  return !faces || faces === 'both' || faces === face;
}
