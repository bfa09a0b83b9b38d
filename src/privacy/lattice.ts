// The word lattice of one sentence, as kuromoji's ViterbiBuilder builds it (the same nodes in the same order,
// so its Viterbi search finds the same tokens), in time linear in the sentence: kuromoji hands the whole rest
// of the sentence to the trie and re-reads it for unknown words at every character, which made a long text
// quadratic (8,000 characters: seconds). Here the trie sees at most the dictionary's longest word, and the runs
// of one character class are measured once.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface CharClass {
  class_id: number;
  class_name: string;
  is_always_invoke: number;
  is_grouping: number;
}
interface Words {
  dictionary: { getShort(at: number): number };
  target_map: Record<number, ArrayLike<number>>;
}
/** What kuromoji's ViterbiBuilder reads (its trie and dictionaries). */
export interface LatticeSource {
  trie: { commonPrefixSearch(key: string): { k: string; v: number }[] };
  token_info_dictionary: Words;
  unknown_dictionary: Words & { lookup(ch: string): CharClass };
}
type Node = object;
interface Lattice {
  append(node: Node): void;
  appendEos(): void;
}
type NodeType = new (
  name: number,
  cost: number,
  startPos: number,
  length: number,
  type: 'KNOWN' | 'UNKNOWN',
  leftId: number,
  rightId: number,
  surface: string,
) => Node;

const root = path.dirname(require.resolve('kuromoji/package.json'));
const ViterbiNode = require(path.join(root, 'src/viterbi/ViterbiNode.js')) as NodeType;
const ViterbiLattice = require(path.join(root, 'src/viterbi/ViterbiLattice.js')) as new () => Lattice;

/** kuromoji's characters: a high surrogate and the unit after it are one, whatever that unit is. */
function characters(s: string): number[] {
  const starts: number[] = [];
  for (let i = 0; i < s.length; i++) {
    starts.push(i);
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return starts;
}

/**
 * The lattice of `sentence` for kuromoji's ViterbiSearcher. `longestWord`: the UTF-16 length of the longest
 * surface in the dictionary (its trie holds no longer key, so a longer look-ahead finds nothing more).
 * Positions and lengths are kuromoji's: in characters, except an unknown word of several characters, whose
 * length is its UTF-16 length (kuromoji's own reckoning, kept so the tokens stay the same).
 */
export function buildLattice(src: LatticeSource, sentence: string, longestWord: number): Lattice {
  const lattice = new ViterbiLattice();
  const starts = characters(sentence);
  const n = starts.length;
  const at = (pos: number) => (pos < n ? starts[pos] : sentence.length);
  const char = (pos: number) => sentence.slice(starts[pos], at(pos + 1));
  const classes = starts.map((_, pos) => src.unknown_dictionary.lookup(char(pos)));
  // The end of the run of one class name starting at each character (what an unknown word may group).
  const runEnd = new Array<number>(n);
  for (let pos = n - 1; pos >= 0; pos--)
    runEnd[pos] = pos + 1 < n && classes[pos + 1].class_name === classes[pos].class_name ? runEnd[pos + 1] : pos + 1;
  const add = (
    words: Words,
    ids: ArrayLike<number>,
    pos: number,
    length: number,
    type: 'KNOWN' | 'UNKNOWN',
    surface: string,
  ) => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const [left, right, cost] = [0, 2, 4].map((o) => words.dictionary.getShort(id + o));
      lattice.append(new ViterbiNode(id, cost, pos + 1, length, type, left, right, surface));
    }
  };
  for (let pos = 0; pos < n; pos++) {
    let ahead = Math.min(sentence.length, starts[pos] + longestWord);
    // Never a lone high surrogate at the end: the trie's encoder refuses one (and no word ends in one).
    const last = sentence.charCodeAt(ahead - 1);
    if (ahead < sentence.length && last >= 0xd800 && last <= 0xdbff) ahead--;
    const vocabulary = src.trie.commonPrefixSearch(sentence.slice(starts[pos], ahead));
    for (const { k, v } of vocabulary)
      add(src.token_info_dictionary, src.token_info_dictionary.target_map[v], pos, k.length, 'KNOWN', k);
    const head = classes[pos];
    if (vocabulary.length > 0 && head.is_always_invoke !== 1) continue;
    const end = head.is_grouping === 1 ? runEnd[pos] : pos + 1;
    const key = sentence.slice(starts[pos], at(end));
    const unknown = src.unknown_dictionary;
    add(unknown, unknown.target_map[head.class_id], pos, end - pos > 1 ? key.length : 1, 'UNKNOWN', key);
  }
  lattice.appendEos();
  return lattice;
}
