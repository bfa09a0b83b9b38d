// The MeCab-exact lattice of ../mecab-lattice.ts, step for step, in C++: the same tables (the dictionary's typed
// arrays over SharedArrayBuffers, read in place, never copied), the same node order, the same ties, the same
// tokens. The TypeScript lattice is the reference; test/native-lattice.test.ts holds them equal.

#include <algorithm>

#include "lattice.h"

namespace jcb {
namespace {

constexpr int32_t kMaxGrouping = 24;  // MeCab's max-grouping-size
constexpr int64_t kNoPath = 0x7fffffff;

/** Kinds (category bits) of code point cp. */
inline uint32_t kindsAt(const Tables& t, int32_t cp) {
  return cp < 0x10000 ? t.kindsOf[cp] : (1u << (t.defaultCategory & 31));
}

/** Queues the words of one surface from word w on, of `length`; returns the new end of the queue. */
size_t queueWords(Scratch& s, const Tables& t, int64_t w, int32_t length, size_t queued) {
  if (w < 0 || w >= t.wordCount) {
    s.damaged = true;
    return queued;
  }
  const int64_t count = static_cast<int64_t>(t.words[4 * w + 3]) + 1;
  if (count < 1 || w + count > t.wordCount) {
    s.damaged = true;
    return queued;
  }
  ensure(s.pending, queued + 4 * static_cast<size_t>(count));
  int32_t* pending = s.pending.data();
  for (const int16_t* at = t.words + 4 * w; at < t.words + 4 * (w + count); at += 4) {
    if (at[0] < 0 || at[0] >= t.lefts || at[1] < 0 || at[1] >= t.stride) {
      s.damaged = true;
      continue;
    }
    pending[queued] = length;
    pending[queued + 1] = at[0];
    pending[queued + 2] = at[1];
    pending[queued + 3] = at[2];
    queued += 4;
  }
  return queued;
}

/** Queues unknown words unknownTable[first..end) of `length`; returns the new end of the queue. */
size_t queueUnknown(Scratch& s, const Tables& t, int64_t first, int64_t end, int32_t length, size_t queued) {
  ensure(s.pending, queued + 4 * static_cast<size_t>((end - first) / 3 + 1));
  int32_t* pending = s.pending.data();
  for (int64_t e = first; e + 2 < end; e += 3) {
    const int32_t left = t.unknownTable[e], right = t.unknownTable[e + 1];
    if (left < 0 || left >= t.lefts || right < 0 || right >= t.stride) {
      s.damaged = true;
      continue;
    }
    pending[queued] = length;
    pending[queued + 1] = left;
    pending[queued + 2] = right;
    pending[queued + 3] = t.unknownTable[e + 2];
    queued += 4;
  }
  return queued;
}

/** Queues the words starting at code point `from` of `n`, as MeCab's Tokenizer::lookup; returns the queue's end. */
size_t lookup(Scratch& s, const Tables& t, int32_t from, int32_t n) {
  const int32_t* u8 = s.u8.data();
  const int32_t* point = s.point.data();
  const uint8_t* bytes = s.utf8.data();
  const int32_t* tr = t.trie;
  const int64_t us = t.units;
  size_t queued = 0;
  int32_t found = 0;
  // Dictionary words: walk the double-array trie over UTF-8 bytes, the first character from its table.
  int64_t node = -1;
  if (point[from] < 0x10000) {
    node = t.firstStep[2 * point[from]];
    const int64_t w = t.firstStep[2 * point[from] + 1];
    if (w >= 0) {
      queued = queueWords(s, t, w, 1, queued);
      found++;
    }
    if (node >= us) {
      s.damaged = true;
      node = -1;
    }
  } else {
    node = 0;
  }
  for (int32_t q = node > 0 ? from + 1 : node == 0 ? from : n; q < n; q++) {
    bool walked = true;
    for (int32_t b = u8[q]; b < u8[q + 1]; b++) {
      const int64_t child = static_cast<int64_t>(tr[2 * node]) + bytes[b];
      if (child < 0 || child >= us || tr[2 * child + 1] != node) {
        walked = false;
        break;
      }
      node = child;
    }
    if (!walked) break;
    const int64_t leaf = tr[2 * node];
    if (leaf >= 0 && leaf < us && tr[2 * leaf + 1] == node && tr[2 * leaf] <= 0) {
      queued = queueWords(s, t, -static_cast<int64_t>(tr[2 * leaf]) - 1, q - from + 1, queued);
      found++;
    }
  }

  // Unknown words.
  const int32_t* c = t.categoryTable + 5 * s.category[from];
  if (found > 0 && c[1] == 0) return queued;
  const int64_t first = c[3], last = c[4];
  if (first < 0 || last < first || last > t.unknownLength) {
    s.damaged = true;
    return queued;
  }
  const uint32_t kindsFrom = kindsAt(t, point[from]);
  const size_t before = queued;
  int32_t groupEnd = -1;
  if (c[2] == 1) {
    // Read no further than a grouped word or the lengths below can reach (as mecab-lattice.ts: not quadratic).
    const int64_t reach = static_cast<int64_t>(from) + kMaxGrouping + 2 + (c[0] > 0 ? c[0] : 0);
    const int32_t stop = reach < n ? static_cast<int32_t>(reach) : n;
    int32_t q = from + 1;
    for (uint32_t k = kindsFrom; q < stop; q++) {
      const uint32_t next = kindsAt(t, point[q]);
      if ((k & next) == 0) break;
      k = next;
    }
    if (q - from - 1 <= kMaxGrouping) queued = queueUnknown(s, t, first, last, q - from, queued);
    groupEnd = q;
  }
  int32_t q = from + 1;
  for (int32_t i = 1; i <= c[0]; i++) {
    if (q > n) break;
    if (q == groupEnd) continue;
    queued = queueUnknown(s, t, first, last, q - from, queued);
    if (q >= n || (kindsFrom & kindsAt(t, point[q])) == 0) break;
    q++;
  }
  if (found == 0 && queued == before) queued = queueUnknown(s, t, first, last, 1, queued);
  return queued;
}

/**
 * Adds the `queued` words starting at `from` to the lattice, each joined to its best node ending at `pos`; returns
 * the new node count. MeCab links each new node in front of the previous ones, so it connects them in reverse.
 */
int32_t join(Scratch& s, const Tables& t, int32_t pos, int32_t from, size_t queued, int32_t nodes) {
  const size_t room = static_cast<size_t>(nodes) + (queued >> 2);
  ensure(s.nodeTable, 4 * room);
  ensure(s.spanTable, 2 * room);
  int32_t* lattice = s.nodeTable.data();
  int32_t* spans = s.spanTable.data();
  int32_t* ending = s.lastEnding.data();
  const int32_t* pending = s.pending.data();
  const int16_t* cost = t.connection;
  // The nodes ending at `pos` that can be a best left node (one no cheaper than an earlier one of the same right id
  // never is).
  const int32_t stamp = pos + 1;
  int32_t* slots = s.slotStamp.data();
  int32_t* slotOf = s.slotAt.data();
  int32_t* memo = s.memoStamp.data();
  int32_t* memoNode = s.memoBest.data();
  int32_t* memoTotal = s.memoCost.data();
  size_t ends = 0;
  for (int32_t l = ending[pos]; l >= 0; l = lattice[4 * l + 3]) {
    const int32_t r = lattice[4 * l];
    const int32_t total = lattice[4 * l + 1];
    if (slots[r] == stamp && total >= s.endTotal[slotOf[r]]) continue;
    if (ends == s.endId.size()) {
      ensure(s.endId, ends + 1);
      ensure(s.endTotal, ends + 1);
      ensure(s.endRight, ends + 1);
    }
    slots[r] = stamp;
    slotOf[r] = static_cast<int32_t>(ends);
    s.endId[ends] = l;
    s.endTotal[ends] = total;
    s.endRight[ends++] = r;
  }
  const int32_t* ids = s.endId.data();
  const int32_t* totals = s.endTotal.data();
  const int32_t* rights = s.endRight.data();
  for (int64_t k = static_cast<int64_t>(queued) - 4; k >= 0; k -= 4) {
    const int32_t left = pending[k + 1];
    int32_t best;
    int64_t bestCost;
    if (memo[left] == stamp) {
      best = memoNode[left];
      bestCost = memoTotal[left];
    } else {
      size_t at = 0;
      bestCost = kNoPath;
      const int16_t* row = cost + static_cast<int64_t>(left) * t.stride;
      for (size_t e = 0; e < ends; e++) {
        const int64_t c = static_cast<int64_t>(totals[e]) + row[rights[e]];
        if (c < bestCost) {
          bestCost = c;
          at = e;
        }
      }
      best = ids[at];
      memo[left] = stamp;
      memoNode[left] = best;
      memoTotal[left] = wrap(bestCost);
    }
    const int32_t to = from + pending[k];
    lattice[4 * nodes] = pending[k + 2];
    lattice[4 * nodes + 1] = wrap(bestCost + pending[k + 3]);
    lattice[4 * nodes + 2] = best;
    lattice[4 * nodes + 3] = ending[to];
    spans[2 * nodes] = from;
    spans[2 * nodes + 1] = to;
    ending[to] = nodes++;
  }
  return nodes;
}

/** Writes the best path's tokens as UTF-16 [start, end) pairs into `out`; returns their count. */
int32_t bestPath(Scratch& s, const Tables& t, int32_t n, int32_t* out) {
  const int32_t* lattice = s.nodeTable.data();
  const int32_t* spans = s.spanTable.data();
  const int32_t* ending = s.lastEnding.data();
  const int32_t* u16 = s.u16.data();
  int32_t last = n;
  while (ending[last] < 0) last--;
  int32_t best = -1, count = 0;
  int64_t bestCost = kNoPath;
  for (int32_t l = ending[last]; l >= 0; l = lattice[4 * l + 3]) {
    const int64_t c = static_cast<int64_t>(lattice[4 * l + 1]) + t.connection[lattice[4 * l]];
    if (c < bestCost) {
      bestCost = c;
      best = l;
    }
  }
  for (int32_t id = best; id > 0; id = lattice[4 * id + 2]) count++;
  const int32_t total = count;
  for (int32_t id = best; id > 0; id = lattice[4 * id + 2]) {
    --count;
    out[2 * count] = u16[spans[2 * id]];
    out[2 * count + 1] = u16[spans[2 * id + 1]];
  }
  return total;
}

}  // namespace

int32_t segment(Scratch& s, const Tables& t, size_t length, int32_t* out) {
  s.damaged = false;
  ensure(s.memoStamp, static_cast<size_t>(t.lefts));
  ensure(s.memoBest, static_cast<size_t>(t.lefts));
  ensure(s.memoCost, static_cast<size_t>(t.lefts));
  ensure(s.slotStamp, static_cast<size_t>(t.stride));
  ensure(s.slotAt, static_cast<size_t>(t.stride));
  std::fill(s.memoStamp.begin(), s.memoStamp.end(), 0);
  std::fill(s.slotStamp.begin(), s.slotStamp.end(), 0);
  const int32_t n = readCharacters(s, t, length);
  ensure(s.nodeTable, 4 * 1024);
  ensure(s.spanTable, 2 * 1024);
  ensure(s.endId, 256);
  ensure(s.endTotal, 256);
  ensure(s.endRight, 256);
  ensure(s.pending, 4096);
  s.nodeTable[0] = s.nodeTable[1] = 0;
  s.nodeTable[2] = s.nodeTable[3] = -1;
  s.spanTable[0] = s.spanTable[1] = 0;
  ensure(s.lastEnding, static_cast<size_t>(n) + 1);
  std::fill(s.lastEnding.begin(), s.lastEnding.begin() + n + 1, -1);
  s.lastEnding[0] = 0;
  int32_t nodes = 1;
  for (int32_t pos = 0; pos < n; pos++) {
    if (s.lastEnding[pos] < 0) continue;
    // Blanks (char.def SPACE) make no node: the word starts after them.
    int32_t from = pos;
    while (from < n && s.category[from] == t.spaceCategory) from++;
    if (from == n) break;
    const size_t queued = lookup(s, t, from, n);
    nodes = join(s, t, pos, from, queued, nodes);
  }
  return bestPath(s, t, n, out);
}

}  // namespace jcb
