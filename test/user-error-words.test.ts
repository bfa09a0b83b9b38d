// A UserError's message and hint are face-neutral (src/base/errors.ts: shown in Slack too), so any operator's word
// in them (an env variable, a .yml file, a models.yml key, an address, a server path) must sit inside an
// operatorFix mark (Slack: "ask the bot's operator"; the terminal keeps it) or go to the terminal-only words
// (the third argument). Generated from the code (test/user-error-sources.ts): every `new UserError(…)` and every
// subclass's `super(…)`, their texts followed through constants, tables, helpers' returned text and parameters'
// arguments at every call; a new member is caught unasked.
import { describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { loadModels, parseRegistry } from '../src/models/registry.js';
import { loadManifest } from '../src/release/manifest.js';
import { ENV_SETTINGS } from '../src/services/env.js';
import { userErrorSources } from './user-error-sources.js';

/** The environment's variables jcb reads: its settings table's, and the providers', Slack's and stores' names. */
const VARIABLES = [...ENV_SETTINGS.map((s) => s.name), 'OPENAI_\\w+', 'SLACK_\\w+', 'DATABASE_URL', 'REDIS_URL'];
/** An operator's word, as written in source text (marks taken out first). */
const OPERATOR_WORDS = new RegExp(
  `JCB_|\\b(?:${VARIABLES.join('|')})\\b|\\.ya?ml\\b|baseUrl|base URL|timeoutMs|https?://\\w|data/|/v1\\b`,
);

/**
 * Where a UserError is made only for a terminal, never on a Slack request (`file:function`), and why. Slack reads a
 * store's failure by its cause (handlers/blocks/answers.ts: storeUnavailableText), not StoreError's words.
 */
const TERMINAL_ONLY: Record<string, string> = {
  'handlers/config.ts:botConfig': "the bot's settings, read before it connects",
  'handlers/app.ts:whoAmI': "the bot's token, checked before it connects",
  'src/services/needed-settings.ts:checkNeeded':
    "a command's settings, checked by the CLI (prepare) and the bot at start",
  'src/store/path-check.ts:fail': "the store's file (checkStorePath), checked by the CLI (prepare)",
  'src/models/registry.ts:addModel': '`jcb models add`, a terminal command',
  'src/store/errors.ts:StoreError': 'Slack says a store failure by its cause (storeUnavailableText)',
};

describe("a UserError's words for everyone name nothing of the operator's", () => {
  it('every text a message or hint can hold keeps its operator words marked or for the terminal', () => {
    const all = userErrorSources(process.cwd());
    expect(all.length).toBeGreaterThan(150); // the walk does find the code's UserErrors
    expect(all.filter((e) => e.in.endsWith(':NoReleaseError') || e.in.endsWith(':FindingsError')).length).toBe(2);
    expect(Object.keys(TERMINAL_ONLY).filter((k) => !all.some((e) => e.in === k))).toEqual([]); // none stale
    const terminal = (e: { in: string }) => !!TERMINAL_ONLY[e.in] || e.in.startsWith('src/cli/');
    // A terminal-only error's text met again where any UserError's words are passed on (`err.hint`) is still its own.
    const theirs = new Set(all.filter(terminal).flatMap((e) => e.texts));
    const named = all
      .filter((e) => !terminal(e))
      .flatMap((e) =>
        [...new Set(e.texts.filter((t) => OPERATOR_WORDS.test(t) && !theirs.has(t)))].map((t) => `${e.at}: ${t}`),
      );
    expect(named).toEqual([]);
  }, 60_000);

  it("a model registry's bad key, as Slack says it: whom to ask; the terminal names the file and key", () => {
    const bad = 'models:\n  x: { provider: openai-compatible, model: m, timeoutMs: soon }';
    const err = (() => {
      try {
        parseRegistry(bad, '/srv/jcb/models.yml');
      } catch (e) {
        return e as UserError;
      }
      throw new Error('a bad registry was read');
    })();
    expect(userErrorText(err, 'chat')).toBe("The model registry is not valid; ask the bot's operator.");
    expect(userErrorText(err, 'terminal')).toMatch(
      /^The model registry is not valid: \/srv\/jcb\/models\.yml: models\.x\./,
    );
  });

  it('the registry and manifest missing, as Slack says it: whom to ask; the terminal keeps file and variable', () => {
    const env = { JCB_MODELS: '/srv/jcb/models.yml', JCB_RELEASE_MANIFEST: '/srv/jcb/manifest.json' };
    for (const load of [() => loadModels(env), () => loadManifest(env)]) {
      const err = (() => {
        try {
          load();
        } catch (e) {
          return e as UserError;
        }
        throw new Error('loaded a file that is not there');
      })();
      const chat = userErrorText(err, 'chat');
      expect(chat).toMatch(/^No (model registry|release manifest); ask the bot's operator\.$/);
      expect(userErrorText(err, 'terminal')).toMatch(
        / at \/srv\/jcb\/\S+\. (Point|Unset) JCB_(MODELS|RELEASE_MANIFEST)/,
      );
    }
  });
});
