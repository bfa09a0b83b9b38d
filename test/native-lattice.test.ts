// The native lattice (src/metrics/tokenizer/native) against the TypeScript one, its reference: the same tokens for
// every ROUGE text of the release and for any string at all, and the TypeScript one used when the native one is
// off. Without the addon these are skipped with the reason, except in CI, which builds it (npm ci) and fails here.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadIpadic } from '../src/metrics/tokenizer/ipadic.js';
import { segment } from '../src/metrics/tokenizer/mecab-lattice.js';
import {
  latticeKind,
  loadNativeLattice,
  nativeLattice,
  segmentNative,
  segmentText,
  NATIVE_MAX_TEXT,
} from '../src/metrics/tokenizer/native-lattice.js';
import { Release } from '../src/release/release.js';
import { TASKS } from '../tasks/index.js';
import { releaseDir } from './helpers.js';

const lattice = process.env.JCB_TOKENIZER === 'js' ? undefined : nativeLattice();
const SKIP = 'the native tokenizer is not built (`npm run build:native`): native-vs-TypeScript tests skipped';
if (!lattice && !process.env.CI) console.warn(SKIP);

describe('the native lattice is built in CI', () => {
  it.runIf(process.env.CI)('loads (CI has a C++ compiler: npm ci must have built it)', () => {
    expect(lattice, SKIP).toBeDefined();
  });
});

describe.skipIf(!lattice)('the native lattice gives the TypeScript lattice’s tokens', async () => {
  const dic = await loadIpadic();
  const same = (text: string) =>
    expect(segmentNative(lattice!, dic, text), JSON.stringify(text)).toEqual(segment(dic, text));

  it('on the edge cases: empty, blanks only, NUL, lone surrogates, astral, U+3000', () => {
    for (const text of ['', ' ', '\t\n ', '\0', 'a\0b', '\ud800', '\udc00x', 'x\ud83d', '😀😀', '胸水　なし', '　'])
      same(text);
  });

  // Any string, from the characters that matter to the lattice: each category of char.def, blanks (MeCab's and
  // Python's), astral ones, lone surrogates, and long runs of one character (grouping, growing the scratch tables).
  const pieces = fc.oneof(
    fc.constantFrom('患者', 'は', '発熱', 'した', '。', '、', 'カテーテル', '抜去', 'ＣＴ', 'ｶﾀｶﾅ', '１２３', 'mg/dL'),
    fc.string({ unit: fc.integer({ min: 0x3041, max: 0x30ff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
    fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
    fc.string({ unit: fc.integer({ min: 0xff01, max: 0xff9f }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    fc.constantFrom(' ', '\t', '\n', '\u3000', '\u00a0', '\r\n', '\u2028', '\0', '\x0b'),
    fc.constantFrom('\ud800', '\udfff', '\ud83d', '😀', '𠮷', '\u{1f3fb}'),
    fc
      .tuple(fc.constantFrom('あ', 'ア', '漢', 'a', '1', '　', ' ', '-', '😀'), fc.integer({ min: 1, max: 300 }))
      .map(([c, n]) => c.repeat(n)),
  );
  const texts = fc.array(pieces, { maxLength: 40 }).map((p) => p.join(''));

  it('on any string (fast-check)', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(segmentNative(lattice!, dic, text)).toEqual(segment(dic, text));
      }),
      { numRuns: 1500 },
    );
  });

  it('on a text longer than any before (the scratch tables grow) and one past the native limit', () => {
    const long = '患者は38度の発熱を認め、カテーテルを抜去した。 '.repeat(4000);
    same(long);
    same(`${long}${'あ'.repeat(NATIVE_MAX_TEXT)}`.slice(0, NATIVE_MAX_TEXT + 10));
  });

  it('refuses arguments of the wrong kind with an error, never a crash', () => {
    const segmentAny = lattice!.segment as (...args: unknown[]) => number;
    expect(() => segmentAny('abc')).toThrow(/11 arguments/);
    expect(() => segmentAny(1, ...new Array(10).fill(new Int32Array(4)))).toThrow(/a string/);
    expect(() => segmentAny('abc', ...new Array(10).fill(new Int32Array(4)))).toThrow(/typed arrays/);
  });

  const dir = releaseDir();
  // Every ROUGE-L setting's gold texts and outputs (cleaned as scoring reads them), as released.
  it.skipIf(!dir)('on every ROUGE text of the release', () => {
    const release = new Release(dir!);
    const texts = new Set<string>();
    for (const task of TASKS.filter((t) => t.metric === 'ROUGE-L')) {
      const files = release.generationFiles().filter((f) => f.folder === task.folder);
      expect(files.length, task.id).toBeGreaterThan(0);
      for (const f of files)
        for (const row of release.generationRows(f.path)) {
          const { gold, output } = task.fromGeneration(row);
          texts.add(String(gold).replace(/\n/g, ' '));
          texts.add(String(task.parse(String(output)).value).replace(/\n/g, ' '));
        }
    }
    expect(texts.size).toBeGreaterThan(1000);
    const differing = [...texts].filter(
      (t) => JSON.stringify(segmentNative(lattice!, dic, t)) !== JSON.stringify(segment(dic, t)),
    );
    expect(differing.slice(0, 3)).toEqual([]);
  });
});

describe('the TypeScript lattice as the fallback', () => {
  it('is used where the addon is not there: "not built"', () => {
    expect(loadNativeLattice([new URL('./no-such-addon.node', import.meta.url)])).toEqual({ why: 'not built' });
  });

  // An addon that is there but will not load (a damaged file; one built for another Node.js reads the same way):
  // said as such, in a few words with no path, and the TypeScript lattice gives the tokens.
  it('is used where the addon is there but will not load, which is said as such (not "not built")', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-addon-'));
    const file = path.join(dir, 'jcb_lattice.node');
    for (const bytes of ['not an addon', '\x7fELF\x02\x01\x01 cut short']) {
      writeFileSync(file, bytes);
      const load = loadNativeLattice([pathToFileURL(file)]);
      expect(load).toMatchObject({ why: 'unloadable', reason: expect.stringMatching(/\S/) });
      const reason = (load as { reason: string }).reason;
      expect(reason).not.toContain(dir);
      expect(reason).not.toMatch(/\n/);
      const dic = await loadIpadic();
      expect(segmentText(dic, '胸水　なし\n抜去した', load.lattice)).toEqual(segment(dic, '胸水　なし\n抜去した'));
      const { tokenizerItem } = await import('../src/services/doctor.js');
      const item = tokenizerItem(load);
      expect(item.ok).toBe(true);
      expect(item.detail).toBe(
        `TypeScript lattice (the native one is built but could not be loaded (${reason}): rebuild it with ` +
          '`npm run build:native` (needs a C++ compiler and make)); the same tokens, about 2× slower',
      );
    }
  });

  // (Run with JCB_TOKENIZER=js itself, this process cannot tell whether the child's unset case finds the addon.)
  it.skipIf(process.env.JCB_TOKENIZER === 'js')('is used with JCB_TOKENIZER=js, with the same tokens', () => {
    const script = `
      import { loadIpadic } from ${JSON.stringify(new URL('../src/metrics/tokenizer/ipadic.ts', import.meta.url).href)};
      import { rougeTokens } from ${JSON.stringify(new URL('../src/metrics/tokenizer/rouge-tokens.ts', import.meta.url).href)};
      import { latticeKind } from ${JSON.stringify(new URL('../src/metrics/tokenizer/native-lattice.ts', import.meta.url).href)};
      console.log(JSON.stringify({ kind: latticeKind(), tokens: rougeTokens(await loadIpadic(), '胸水　なし\\n抜去した') }));`;
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const js = run({ JCB_TOKENIZER: 'js' });
    expect(js.stderr).toBe('');
    expect(JSON.parse(js.stdout)).toEqual({ kind: 'js', tokens: ['胸水', 'なし', '抜去', 'し', 'た'] });
    const unset = run({ JCB_TOKENIZER: '' });
    expect(JSON.parse(unset.stdout)).toEqual({
      kind: lattice ? 'native' : 'js',
      tokens: ['胸水', 'なし', '抜去', 'し', 'た'],
    });
  });

  it('says which lattice this thread runs', () => {
    expect(latticeKind()).toBe(lattice ? 'native' : 'js');
  });
});

describe('jcb doctor names the lattice', () => {
  it('native when built, else the TypeScript one and why', async () => {
    const { doctor } = await import('../src/services/doctor.js');
    const item = (await doctor({ ...process.env, REDIS_URL: 'redis://127.0.0.1:1' }, async () => 'store')).find(
      (i) => i.what === 'tokenizer',
    );
    expect(item?.ok).toBe(true);
    expect(item?.detail).toMatch(
      lattice
        ? /^native lattice$/
        : /^TypeScript lattice \((JCB_TOKENIZER=js|the native one is (not built|built but could not be loaded .*): .*)\)/,
    );
  });
});

// `npm run build:native` builds in a folder of its own: node-gyp's rebuild cleans its folder first, and a failed
// build (here a compiler that always fails, CXX=false) deleted the working addon. Run on a copy of the sources.
describe('npm run build:native', () => {
  const sources = fileURLToPath(new URL('../src/metrics/tokenizer/native/', import.meta.url));
  const root = fileURLToPath(new URL('..', import.meta.url));
  const copy = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-build-'));
    cpSync(sources, dir, { recursive: true, filter: (f) => path.relative(sources, f).split(path.sep)[0] !== 'build' });
    mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
    writeFileSync(path.join(dir, 'build', 'Release', 'jcb_lattice.node'), 'the addon built before');
    return dir;
  };
  const build = (dir: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync('npm', ['run', '--silent', 'build:native', '--', dir], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('that fails leaves the addon built before in place, and says so in one line', () => {
    const dir = copy();
    const r = build(dir, { CXX: 'false' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(
      /^jcb: the native tokenizer could not be built \(node-gyp[^\n]+\); the one built before stays in use$/,
    );
    expect(readFileSync(path.join(dir, 'build', 'Release', 'jcb_lattice.node'), 'utf8')).toBe('the addon built before');
  });

  // A C++ compile: seconds. Without a compiler (outside CI) the build says so and this is skipped.
  it.runIf(lattice)('that succeeds replaces the addon with one that loads, and leaves no work folder behind', () => {
    const dir = copy();
    const before = readdirSync(os.tmpdir()).filter((f) => f.startsWith('jcb-native-'));
    expect(build(dir).stdout.trim()).toBe('');
    expect(
      loadNativeLattice([pathToFileURL(path.join(dir, 'build', 'Release', 'jcb_lattice.node'))]).lattice,
    ).toBeDefined();
    expect(readdirSync(os.tmpdir()).filter((f) => f.startsWith('jcb-native-'))).toEqual(before);
  });
});
