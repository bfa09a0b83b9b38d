// The IPADIC dictionary bundled with kuromoji, read through kuromoji's own loader, plus MeCab's
// character table. Loading costs ~0.7 s and ~400 MB, so it happens once, lazily, on first use.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface DoubleArrayStorage {
  getBaseBuffer(): Int32Array;
  getCheckBuffer(): Int32Array;
}
interface KuromojiDictionaries {
  trie: { bc: DoubleArrayStorage };
  token_info_dictionary: KuromojiTokenTable;
  unknown_dictionary: KuromojiTokenTable & {
    character_definition: {
      character_category_map: Uint8Array;
      compatible_category_map: Uint32Array;
      invoke_definition_map: {
        getCharacterClass(
          id: number,
        ): { class_name: string; is_always_invoke: boolean; is_grouping: boolean; max_length: number } | undefined;
      };
    };
  };
  connection_costs: { buffer: Int16Array; backward_dimension: number };
}
interface KuromojiTokenTable {
  dictionary: { getShort(index: number): number };
  target_map: Record<number, number[]>;
}

/** One dictionary or unknown-word entry: connection ids and word cost. */
export interface Entry {
  left: number;
  right: number;
  cost: number;
}

/** A character category of char.def (DEFAULT, SPACE, KANJI, ...). */
export interface CharCategory {
  name: string;
  invoke: boolean;
  group: boolean;
  length: number;
  unknownEntries: Entry[];
}

export interface Ipadic {
  base: Int32Array;
  check: Int32Array;
  /** Entries of a trie value (one surface form can have several parts of speech). */
  entriesOf(trieValue: number): Entry[];
  /** matrix.def: cost of joining a left word's right id to a right word's left id. */
  connection: Int16Array;
  connectionStride: number;
  categories: CharCategory[];
  /** Per BMP code point: its default category id. */
  categoryOf: Uint8Array;
  /** Per BMP code point: bit set of every category it belongs to (default and compatible). */
  kindsOf: Uint32Array;
  spaceCategory: number;
  defaultCategory: number;
}

// char.def's SPACE lines. kuromoji's compiled table files every code point that char.def does not
// list under class 1 (SPACE) instead of DEFAULT (its DictionaryBuilder writes `1 << default_id`, a
// bit, where a class id belongs), so non-breaking spaces, control characters and the like would be
// skipped like blanks. MeCab only skips these. (0x00D0 is also listed, but the later ALPHA range
// overrides it, as MeCab and kuromoji agree.)
const MECAB_SPACES = [0x20, 0x09, 0x0b, 0x0a];

function entriesOfTable(table: KuromojiTokenTable, ids: number[] | undefined): Entry[] {
  return (ids ?? []).map((id) => ({
    left: table.dictionary.getShort(id),
    right: table.dictionary.getShort(id + 2),
    cost: table.dictionary.getShort(id + 4),
  }));
}

function fromKuromoji(dic: KuromojiDictionaries): Ipadic {
  const charDef = dic.unknown_dictionary.character_definition;
  const categories: CharCategory[] = [];
  for (let id = 0; ; id++) {
    const cls = charDef.invoke_definition_map.getCharacterClass(id);
    if (!cls || !cls.class_name) break;
    categories.push({
      name: cls.class_name,
      invoke: cls.is_always_invoke,
      group: cls.is_grouping,
      length: cls.max_length,
      unknownEntries: entriesOfTable(dic.unknown_dictionary, dic.unknown_dictionary.target_map[id]),
    });
  }
  const spaceCategory = categories.findIndex((c) => c.name === 'SPACE');
  const defaultCategory = categories.findIndex((c) => c.name === 'DEFAULT');
  const categoryOf = new Uint8Array(charDef.character_category_map);
  const kindsOf = new Uint32Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    if (categoryOf[cp] === spaceCategory && !MECAB_SPACES.includes(cp)) categoryOf[cp] = defaultCategory;
    kindsOf[cp] = (1 << categoryOf[cp]) | charDef.compatible_category_map[cp];
  }
  const entryCache = new Map<number, Entry[]>();
  const tokens = dic.token_info_dictionary;
  return {
    base: dic.trie.bc.getBaseBuffer(),
    check: dic.trie.bc.getCheckBuffer(),
    entriesOf(value) {
      let entries = entryCache.get(value);
      if (!entries) {
        entries = entriesOfTable(tokens, tokens.target_map[value]);
        entryCache.set(value, entries);
      }
      return entries;
    },
    connection: dic.connection_costs.buffer.subarray(2),
    connectionStride: dic.connection_costs.backward_dimension,
    categories,
    categoryOf,
    kindsOf,
    spaceCategory,
    defaultCategory,
  };
}

let loading: Promise<Ipadic> | undefined;

/** The dictionary, loaded on first call and shared afterwards. */
export function loadIpadic(): Promise<Ipadic> {
  loading ??= new Promise((resolve, reject) => {
    const kuromojiDir = path.dirname(require.resolve('kuromoji/package.json'));
    const Loader = require('kuromoji/src/loader/NodeDictionaryLoader.js');
    new Loader(path.join(kuromojiDir, 'dict') + '/').load((err: unknown, dic: KuromojiDictionaries) =>
      err ? reject(err) : resolve(fromKuromoji(dic)),
    );
  });
  return loading;
}
