// The native lattice's tables and per-thread scratch (lattice.cc, characters.cc), and the entry addon.cc calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace jcb {

/** The dictionary's tables (ipadic.ts, mecab-lattice.ts categoryTables), read in place; lengths in entries. */
struct Tables {
  const int32_t* trie;
  int64_t units;
  const int16_t* words;
  int64_t wordCount;  // records of four int16
  const int32_t* firstStep;
  const int16_t* connection;
  int64_t stride;
  int64_t lefts;
  const uint32_t* kindsOf;
  const uint8_t* categoryOf;
  const int32_t* categoryTable;
  int64_t categoryCount;
  const int32_t* unknownTable;
  int64_t unknownLength;
  int32_t spaceCategory;
  int32_t defaultCategory;
};

/** Per thread (napi_set_instance_data), reused by every text: only grows. damaged: a table index was out of range. */
struct Scratch {
  std::vector<char16_t> text;
  std::vector<int32_t> u16, u8, point;
  std::vector<int32_t> category;
  std::vector<uint8_t> utf8;
  std::vector<int32_t> lastEnding;
  std::vector<int32_t> nodeTable;  // four int32 a node: right id, path cost, best left node, next ending there
  std::vector<int32_t> spanTable;  // two a node: first and end code point
  std::vector<int32_t> pending;    // [length, left, right, cost] quadruples
  std::vector<int32_t> endId, endTotal, endRight;
  std::vector<int32_t> memoStamp, memoBest, memoCost;
  std::vector<int32_t> slotStamp, slotAt;
  bool damaged = false;
};

/** An int64 stored as an Int32Array stores a number: modulo 2^32 (the TypeScript tables wrap the same way). */
inline int32_t wrap(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v))); }

template <typename T>
inline void ensure(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n > 2 * v.size() ? n : 2 * v.size());
}

/** Fills the per-character tables of s.text[0..length); returns its length in code points. */
int32_t readCharacters(Scratch& s, const Tables& t, size_t length);

/** Segments s.text[0..length) into `out` (at least 2 * length entries): UTF-16 [start, end) a token; their count. */
int32_t segment(Scratch& s, const Tables& t, size_t length, int32_t* out);

}  // namespace jcb
