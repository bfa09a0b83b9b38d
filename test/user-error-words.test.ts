// A UserError's message and hint are face-neutral (src/base/errors.ts: shown in Slack too), so any operator's word
// in them (an env variable, a .yml file, a models.yml key, an address, a server path) must sit inside an
// operatorFix mark (Slack: "ask the bot's operator"; the terminal keeps it) or go to the terminal-only words
// (the third argument). Generated from the code: every `new UserError(…)` of src/ and handlers/, its first two
// arguments' text (a constant of the same file read through), marks taken out; a new member is caught unasked.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { loadModels, parseRegistry } from '../src/models/registry.js';
import { loadManifest } from '../src/release/manifest.js';

/** An operator's word, as written in source text (a template's `${…}` parts taken out first). */
const OPERATOR_WORDS = /JCB_|\.ya?ml\b|baseUrl|base URL|timeoutMs|https?:\/\/|data\/|\/v1\b/;

/** `node`'s source text without its `operatorFix(…)` calls and template substitutions' code. */
function unmarked(node: ts.Node, source: ts.SourceFile): string {
  if (ts.isCallExpression(node) && node.expression.getText(source) === 'operatorFix') return '';
  if (ts.isTemplateSpan(node)) return unmarked(node.expression, source) + node.literal.text;
  if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node)) return node.text;
  const parts: string[] = [];
  node.forEachChild((child) => void parts.push(unmarked(child, source)));
  return parts.join(' ');
}

/** Every UserError built in the code, `file:line` with its message's and hint's unmarked text. */
function userErrors(): { at: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', 'src', 'handlers'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts'));
  const out: { at: string; text: string }[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const consts = new Map<string, ts.Expression>();
    const calls: ts.NewExpression[] = [];
    const walk = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer)
        consts.set(n.name.text, n.initializer);
      if (ts.isNewExpression(n) && n.expression.getText(source) === 'UserError') calls.push(n);
      n.forEachChild(walk);
    };
    walk(source);
    for (const call of calls) {
      const args = (call.arguments ?? []).slice(0, 2).map((a) => (ts.isIdentifier(a) ? (consts.get(a.text) ?? a) : a));
      const line = source.getLineAndCharacterOfPosition(call.getStart(source)).line + 1;
      out.push({ at: `${file}:${line}`, text: args.map((a) => unmarked(a, source)).join(' | ') });
    }
  }
  return out;
}

describe("a UserError's words for everyone name nothing of the operator's", () => {
  it('every message and hint built in the code keeps its operator words marked or for the terminal', () => {
    const all = userErrors();
    expect(all.length).toBeGreaterThan(100); // the walk does find the code's UserErrors
    const named = all.filter((e) => OPERATOR_WORDS.test(e.text)).map((e) => `${e.at}: ${e.text}`);
    expect(named).toEqual([]);
  });

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
