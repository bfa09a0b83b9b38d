// kuromoji's own tokenizer (its lattice and Viterbi search over IPADIC), with parts of speech; the ROUGE
// tokenizer in src/metrics/tokenizer reads no part of speech and stays as it is. Loaded lazily, once per
// process, from compact tables (ipadic-files.ts) rather than by kuromoji's builder, which holds ~170 MB.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { exactFile, WORD_BYTES, type CompactIpadic } from './ipadic-files.js';
import { buildLattice, type LatticeSource } from './lattice.js';

const require = createRequire(import.meta.url);

/** One token: surface as in the input, IPADIC part of speech and its three sub-levels ('*' when none). */
export interface PosToken {
  surface: string;
  /** UTF-16 offset of the surface in the tokenized text. */
  start: number;
  pos: string;
  pos1: string;
  pos2: string;
  pos3: string;
  /** True for words the dictionary does not hold (kuromoji's unknown-word model). */
  unknown: boolean;
}

interface LatticeNode {
  name: number;
  type: 'KNOWN' | 'UNKNOWN' | 'BOS' | 'EOS';
  surface_form: string;
}
interface Kuromoji {
  viterbi_builder: LatticeSource;
  viterbi_searcher: { search(lattice: unknown): LatticeNode[] };
  unknown_dictionary: { getFeatures(id: number): string };
}
interface Loaded {
  tokenizer: Kuromoji;
  split: (text: string) => string[];
  posOfWord: Uint16Array;
  posNames: string[][];
  longestWord: number;
}

function compactTables(dir: string): Promise<CompactIpadic> {
  const worker = import.meta.url.endsWith('.ts')
    ? // From the TypeScript sources (tests, tsx): the thread registers tsx's loader first.
      new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./ipadic-worker.ts', import.meta.url).href)}); })`,
        { eval: true, workerData: dir },
      )
    : new Worker(new URL('./ipadic-worker.js', import.meta.url), { workerData: dir });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`IPADIC reader thread exited (${code})`)));
  });
}

/** tid_map as kuromoji indexes it (`target_map[trieId]`), over the compact arrays. */
function targetMap({ keys, starts, values }: CompactIpadic): Record<number, ArrayLike<number>> {
  const find = (key: number) => {
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] === key) return mid;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  return new Proxy({} as Record<number, ArrayLike<number>>, {
    get(_, prop) {
      const i = typeof prop === 'string' ? find(Number(prop)) : -1;
      return i < 0 ? undefined : values.subarray(starts[i], starts[i + 1]);
    },
  });
}

async function build(): Promise<Loaded> {
  const root = path.dirname(require.resolve('kuromoji/package.json'));
  const dir = path.join(root, 'dict');
  const compact = await compactTables(dir);
  const Dictionaries = require(path.join(root, 'src/dict/DynamicDictionaries.js'));
  const Tokenizer = require(path.join(root, 'src/Tokenizer.js'));
  const ByteBuffer = require(path.join(root, 'src/util/ByteBuffer.js'));
  const exact = <T>(name: string, Kind: new (b: ArrayBufferLike, o: number, n: number) => T, bytes: number) => {
    const a = exactFile(path.join(dir, name));
    return new Kind(a.buffer, a.byteOffset, a.byteLength / bytes);
  };
  const dic = new Dictionaries();
  dic.loadTrie(exact('base.dat.gz', Int32Array, 4), exact('check.dat.gz', Int32Array, 4));
  dic.token_info_dictionary.dictionary = new ByteBuffer(compact.words);
  dic.token_info_dictionary.target_map = targetMap(compact);
  dic.loadConnectionCosts(exact('cc.dat.gz', Int16Array, 2));
  dic.loadUnknownDictionaries(
    compact.unknownWords,
    compact.unknownFeatures,
    exact('unk_map.dat.gz', Uint8Array, 1),
    exact('unk_char.dat.gz', Uint8Array, 1),
    exact('unk_compat.dat.gz', Uint32Array, 4),
    compact.unknownInvoke,
  );
  return {
    tokenizer: new Tokenizer(dic),
    split: Tokenizer.splitByPunctuation,
    posOfWord: compact.posOfWord,
    posNames: compact.posNames,
    longestWord: compact.longestWord,
  };
}

let loading: Promise<Loaded> | undefined;

/** Tokens of `text` with IPADIC parts of speech; the first call loads the dictionary (about 1 s, ~40 MB). */
export async function posTokens(text: string): Promise<PosToken[]> {
  loading ??= build().catch((err) => {
    loading = undefined;
    throw err;
  });
  const { tokenizer, split, posOfWord, posNames, longestWord } = await loading;
  const tokens: PosToken[] = [];
  let start = 0;
  for (const sentence of split(text)) {
    for (const node of tokenizer.viterbi_searcher.search(
      buildLattice(tokenizer.viterbi_builder, sentence, longestWord),
    )) {
      if (node.type !== 'KNOWN' && node.type !== 'UNKNOWN') continue;
      const known = node.type === 'KNOWN';
      const [p, p1, p2, p3] = known
        ? posNames[posOfWord[node.name / WORD_BYTES]]
        : tokenizer.unknown_dictionary.getFeatures(node.name).split(',').slice(1, 5);
      // kuromoji drops characters in some lattices (blanks next to supplementary-plane symbols): each token
      // is placed where its surface is, never by adding up the lengths before it.
      const at = text.indexOf(node.surface_form, start);
      if (at < 0) throw new Error('the tokenizer returned a surface that is not in the text');
      tokens.push({ surface: node.surface_form, start: at, pos: p, pos1: p1, pos2: p2, pos3: p3, unknown: !known });
      start = at + node.surface_form.length;
    }
  }
  return tokens;
}
