// ROUGE-L over token ids: the surfaces a text's tokens are interned once per vocabulary, and the LCS of two texts
// compares integers 64 positions a step, with no string made for a token (issue 28: the LCS over surfaces, a Map
// lookup a token, and the surfaces' garbage were a third of `jcb score`'s ROUGE time). ../rouge-tokens.ts and
// ../../rouge-l.ts are the references; test/token-ids.test.ts holds them equal.

#include "token-ids.h"

namespace jcb {

int32_t Vocabulary::idOf(const char16_t* at, size_t length) {
  const auto found = ids.find(std::u16string_view(at, length));
  if (found != ids.end()) return found->second;
  const int32_t id = static_cast<int32_t>(surfaces.size());
  surfaces.emplace_back(at, length);
  ids.emplace(std::u16string_view(surfaces.back()), id);
  return id;
}

namespace {

/** Python's str.split() whitespace (rouge-tokens.ts PYTHON_WHITESPACE). */
inline bool pythonWhitespace(char16_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
         c == 0x202f || c == 0x205f || c == 0x3000;
}

}  // namespace

int32_t tokenIds(Vocabulary& vocabulary, const char16_t* text, const int32_t* bounds, int32_t count, int32_t* ids) {
  int32_t written = 0;
  for (int32_t i = 0; i < count; i++) {
    int32_t start = bounds[2 * i];
    const int32_t end = bounds[2 * i + 1];
    for (int32_t at = start; at <= end; at++) {
      if (at < end && !pythonWhitespace(text[at])) continue;
      if (at > start) ids[written++] = vocabulary.idOf(text + start, static_cast<size_t>(at - start));
      start = at + 1;
    }
  }
  return written;
}

int32_t lcsLength(LcsScratch& s, const int32_t* a, size_t m, const int32_t* b, size_t n) {
  if (m == 0 || n == 0) return 0;
  const size_t words = (n + 63) >> 6;
  // For each distinct id of b, the bit set of its positions in b: row `row` of one flat table.
  int32_t rows = 0;
  for (size_t j = 0; j < n; j++) {
    const size_t id = static_cast<size_t>(b[j]);
    if (id >= s.rowOf.size()) s.rowOf.resize(id + 1 > 2 * s.rowOf.size() ? id + 1 : 2 * s.rowOf.size(), -1);
    if (s.rowOf[id] < 0) s.rowOf[id] = rows++;
  }
  s.matches.assign(static_cast<size_t>(rows) * words, 0);
  for (size_t j = 0; j < n; j++) s.matches[static_cast<size_t>(s.rowOf[b[j]]) * words + (j >> 6)] |= 1ull << (j & 63);
  // v has a 0 bit wherever the LCS grows; it starts all ones (Allison & Dix 1986; Hyyrö 2004).
  s.v.assign(words, ~0ull);
  uint64_t* v = s.v.data();
  for (size_t i = 0; i < m; i++) {
    const size_t id = static_cast<size_t>(a[i]);
    if (id >= s.rowOf.size() || s.rowOf[id] < 0) continue;
    const uint64_t* match = s.matches.data() + static_cast<size_t>(s.rowOf[id]) * words;
    uint64_t carry = 0;
    for (size_t k = 0; k < words; k++) {
      const uint64_t x = v[k], u = x & match[k];
      const uint64_t sum = x + u + carry;
      carry = (sum < x || (carry && sum == x)) ? 1 : 0;
      v[k] = sum | (x - u);
    }
  }
  int32_t lcs = 0;
  for (size_t j = 0; j < n; j++) lcs += ((v[j >> 6] >> (j & 63)) & 1) ? 0 : 1;
  for (size_t j = 0; j < n; j++) s.rowOf[static_cast<size_t>(b[j])] = -1;
  return lcs;
}

}  // namespace jcb
