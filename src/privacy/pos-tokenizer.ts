// kuromoji's own tokenizer, with parts of speech (the ROUGE tokenizer in src/metrics/tokenizer reads
// no part of speech and stays as it is). Loaded lazily, once per process. The dictionary files are read
// here rather than by kuromoji's builder: its loader copies every file after gunzip and keeps their
// zero padding (about 36 MB of tid/unk files), which would double the bot's memory.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const require = createRequire(import.meta.url);
const gunzipAsync = promisify(gunzip);

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

interface KuromojiToken {
  surface_form: string;
  pos: string;
  pos_detail_1: string;
  pos_detail_2: string;
  pos_detail_3: string;
  word_type: 'KNOWN' | 'UNKNOWN';
}
interface KuromojiTokenizer {
  tokenize(text: string): KuromojiToken[];
}

/** Bytes past the last non-zero byte that are kept (reads never go further into the zero padding). */
const PADDING_KEPT = 1024;

async function dictFile(dir: string, name: string, trim: boolean): Promise<ArrayBuffer> {
  const data = await gunzipAsync(await readFile(path.join(dir, name)));
  let end = data.length;
  if (trim) {
    while (end > 0 && data[end - 1] === 0) end--;
    end = Math.min(data.length, end + PADDING_KEPT);
  }
  // A fresh, exactly sized buffer: the gunzip output is released.
  return data.buffer.slice(data.byteOffset, data.byteOffset + end) as ArrayBuffer;
}

async function build(): Promise<KuromojiTokenizer> {
  const root = path.dirname(require.resolve('kuromoji/package.json'));
  const dir = path.join(root, 'dict');
  const Dictionaries = require(path.join(root, 'src/dict/DynamicDictionaries.js'));
  const Tokenizer = require(path.join(root, 'src/Tokenizer.js'));
  const f = (name: string, trim = false) => dictFile(dir, name, trim);
  const dic = new Dictionaries();
  dic.loadTrie(new Int32Array(await f('base.dat.gz')), new Int32Array(await f('check.dat.gz')));
  dic.loadTokenInfoDictionaries(
    new Uint8Array(await f('tid.dat.gz', true)),
    new Uint8Array(await f('tid_pos.dat.gz', true)),
    new Uint8Array(await f('tid_map.dat.gz')),
  );
  dic.loadConnectionCosts(new Int16Array(await f('cc.dat.gz')));
  dic.loadUnknownDictionaries(
    new Uint8Array(await f('unk.dat.gz', true)),
    new Uint8Array(await f('unk_pos.dat.gz', true)),
    new Uint8Array(await f('unk_map.dat.gz')),
    new Uint8Array(await f('unk_char.dat.gz')),
    new Uint32Array(await f('unk_compat.dat.gz')),
    new Uint8Array(await f('unk_invoke.dat.gz', true)),
  );
  return new Tokenizer(dic) as KuromojiTokenizer;
}

let loading: Promise<KuromojiTokenizer> | undefined;

/** Tokens of `text` with IPADIC parts of speech; the first call loads the dictionary (about 1 s). */
export async function posTokens(text: string): Promise<PosToken[]> {
  loading ??= build().catch((err) => {
    loading = undefined;
    throw err;
  });
  const tokenizer = await loading;
  let start = 0;
  return tokenizer.tokenize(text).map((t) => {
    const token: PosToken = {
      surface: t.surface_form,
      start,
      pos: t.pos,
      pos1: t.pos_detail_1,
      pos2: t.pos_detail_2,
      pos3: t.pos_detail_3,
      unknown: t.word_type === 'UNKNOWN',
    };
    start += t.surface_form.length;
    return token;
  });
}
