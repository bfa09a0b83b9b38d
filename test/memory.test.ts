// The bot's memory (issue 28): the libraries only some requests need (LangChain for live models, the
// token counters of cost estimates, Vega and resvg for charts, the PostgreSQL client) are not loaded by the bot
// at start; each is loaded by the first request that needs it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAZY = [
  '@langchain/openai',
  '@langchain/core',
  'gpt-tokenizer',
  'js-tiktoken',
  'vega',
  'vega-lite',
  '@resvg/resvg-js',
  'pg',
];

describe('what the bot loads at start', () => {
  it('leaves out the libraries of live models, cost estimates, charts and PostgreSQL', () => {
    const register = fileURLToPath(new URL('./fixtures/loaded/register.mjs', import.meta.url));
    const app = new URL('../dist/handlers/app.js', import.meta.url).href;
    // ES modules as the hook reports them; CommonJS ones from require's cache.
    const script = `await import(${JSON.stringify(app)}); const { createRequire } = await import('node:module');
      for (const k of Object.keys(createRequire(import.meta.url).cache)) console.error('loaded', k.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1]);`;
    const run = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const loaded = new Set([...run.stderr.matchAll(/^loaded (\S+)$/gm)].map((m) => m[1]));
    expect(loaded.has('@slack/bolt')).toBe(true);
    expect(LAZY.filter((p) => loaded.has(p))).toEqual([]);
  }, 60_000);
});
