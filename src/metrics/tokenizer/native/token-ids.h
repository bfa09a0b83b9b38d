// ROUGE-L's tokens as integers (token-ids.cc): a vocabulary interns token surfaces, and the LCS compares ids.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jcb {

/** Surfaces interned to ids 0, 1, 2… in the order first met; ids of two vocabularies are unrelated. */
struct Vocabulary {
  std::deque<std::u16string> surfaces;  // a deque never moves its strings: the map's views stay valid
  std::unordered_map<std::u16string_view, int32_t> ids;
  int32_t idOf(const char16_t* at, size_t length);
};

/**
 * ROUGE-L's tokens of a segmented text: each token [bounds[2i], bounds[2i+1]) of `text` cut at Python's str.split()
 * whitespace (pieces of blanks vanish: rouge-tokens.ts says why), written to `ids` as ids of `vocabulary`; their count.
 * `ids` holds at least `length` entries (a piece is at least one unit).
 */
int32_t tokenIds(Vocabulary& vocabulary, const char16_t* text, const int32_t* bounds, int32_t count, int32_t* ids);

/** Per-thread scratch of `lcsLength`, reused by every call: only grows. */
struct LcsScratch {
  std::vector<int32_t> rowOf;  // by id: the row of an id of b, -1 otherwise (reset after each call)
  std::vector<uint64_t> matches, v;
};

/** Length of the longest common subsequence of id sequences a and b (non-negative ids), bit-parallel. */
int32_t lcsLength(LcsScratch& s, const int32_t* a, size_t m, const int32_t* b, size_t n);

}  // namespace jcb
