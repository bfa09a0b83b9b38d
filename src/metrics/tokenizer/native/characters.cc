// The per-character tables of the text being segmented, as ../characters.ts fills them.
#include "lattice.h"

namespace jcb {

int32_t readCharacters(Scratch& s, const Tables& t, size_t length) {
  ensure(s.u16, length + 1);
  ensure(s.u8, length + 1);
  ensure(s.point, length + 1);
  ensure(s.category, length + 1);
  ensure(s.utf8, 3 * (length + 1));
  const char16_t* text = s.text.data();
  int32_t* u16 = s.u16.data();
  int32_t* u8 = s.u8.data();
  int32_t* point = s.point.data();
  int32_t* cat = s.category.data();
  uint8_t* bytes = s.utf8.data();
  size_t i = 0, b = 0;
  int32_t k = 0;
  for (; i < length; k++) {
    int32_t cp = text[i];
    u16[k] = static_cast<int32_t>(i++);
    u8[k] = static_cast<int32_t>(b);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const int32_t low = cp <= 0xdbff && i < length ? text[i] : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    point[k] = cp;
    int32_t c = cp < 0x10000 ? t.categoryOf[cp] : t.defaultCategory;
    if (c >= t.categoryCount) {
      s.damaged = true;
      c = t.defaultCategory;
    }
    cat[k] = c;
    // UTF-8, as TextEncoder writes it: a lone surrogate as U+FFFD.
    const int32_t u = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
    if (u < 0x80) {
      bytes[b++] = static_cast<uint8_t>(u);
    } else if (u < 0x800) {
      bytes[b++] = static_cast<uint8_t>(0xc0 | (u >> 6));
      bytes[b++] = static_cast<uint8_t>(0x80 | (u & 0x3f));
    } else if (u < 0x10000) {
      bytes[b++] = static_cast<uint8_t>(0xe0 | (u >> 12));
      bytes[b++] = static_cast<uint8_t>(0x80 | ((u >> 6) & 0x3f));
      bytes[b++] = static_cast<uint8_t>(0x80 | (u & 0x3f));
    } else {
      bytes[b++] = static_cast<uint8_t>(0xf0 | (u >> 18));
      bytes[b++] = static_cast<uint8_t>(0x80 | ((u >> 12) & 0x3f));
      bytes[b++] = static_cast<uint8_t>(0x80 | ((u >> 6) & 0x3f));
      bytes[b++] = static_cast<uint8_t>(0x80 | (u & 0x3f));
    }
  }
  u16[k] = static_cast<int32_t>(i);
  u8[k] = static_cast<int32_t>(b);
  return k;
}

}  // namespace jcb
