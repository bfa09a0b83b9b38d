// The addon's functions (lattice.cc is the lattice, token-ids.cc the ids and the LCS):
//
// segment(text, out, trie, words, firstStep, connection, kindsOf, categoryOf, categoryTable, unknownTable, params)
//   text: the string to segment (arbitrary: lone surrogates, NULs, any length);
//   out: an Int32Array of at least 2 * text.length entries: each token's UTF-16 start and end, in order;
//   the tables: Ipadic's (ipadic.ts) and categoryTables' (mecab-lattice.ts);
//   params: an Int32Array [connectionStride, spaceCategory, defaultCategory].
//   Returns the number of tokens. Throws a TypeError on arguments of the wrong kind, and an Error when a table
//   index falls outside its table (a damaged dictionary): every index is checked, none is trusted.
// vocabulary()
//   A new vocabulary (an external): the ids of its surfaces, freed with it.
// ids(vocabulary, text, bounds, count, out)
//   ROUGE-L's tokens of text segmented as `bounds` says (count [start, end) pairs, segment's `out`), cut at Python's
//   whitespace (rouge-tokens.ts), as ids of vocabulary in out (at least text.length entries); returns their count.
// lcs(vocabulary, a, b)
//   The LCS length of Int32Arrays a and b, ids of vocabulary (any other value: a RangeError).
// Scratch tables are per thread (napi_set_instance_data: each worker thread loads the addon anew) and only grow.
#include <node_api.h>

#include <string>
#include <utility>

#include "lattice.h"
#include "token-ids.h"

namespace {

using jcb::Scratch;
using jcb::Tables;
using jcb::ensure;

napi_value fail(napi_env env, const char* message, bool type = true) {
  if (type)
    napi_throw_type_error(env, nullptr, message);
  else
    napi_throw_error(env, nullptr, message);
  return nullptr;
}

/** The data and length of a typed array of `type`; false when `value` is not one. */
template <typename T>
bool typedArray(napi_env env, napi_value value, napi_typedarray_type type, const T** data, size_t* length) {
  bool is = false;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return false;
  napi_typedarray_type got;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &got, length, &raw, nullptr, nullptr) != napi_ok || got != type)
    return false;
  *data = static_cast<const T*>(raw);
  return raw != nullptr || *length == 0;
}

/** Per thread: the lattice's scratch and the LCS's. */
struct Thread {
  Scratch lattice;
  jcb::LcsScratch lcs;
};

Thread* threadOf(napi_env env) {
  Thread* thread = nullptr;
  if (napi_get_instance_data(env, reinterpret_cast<void**>(&thread)) != napi_ok) return nullptr;
  return thread;
}

/** Copies string `value` into s.text; its length in UTF-16 units, or -1 after throwing. */
int64_t readText(napi_env env, napi_value value, Scratch& s) {
  napi_valuetype kind;
  if (napi_typeof(env, value, &kind) != napi_ok || kind != napi_string) return fail(env, "text: a string"), -1;
  size_t length = 0;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &length) != napi_ok) return fail(env, "text unreadable"), -1;
  if (length >= 0x3fffffff) return fail(env, "text too long", false), -1;
  ensure(s.text, length + 1);
  size_t copied = 0;
  if (napi_get_value_string_utf16(env, value, s.text.data(), length + 1, &copied) != napi_ok || copied != length)
    return fail(env, "text unreadable"), -1;
  return static_cast<int64_t>(length);
}

/** Reads the tables and params (argv[0..9)) into t; false after throwing. */
bool readTables(napi_env env, napi_value* argv, Tables& t) {
  const int32_t* params = nullptr;
  size_t trieLength, wordsLength, stepsLength, connectionLength, kindsLength, categoryOfLength, categoryLength,
      unknownLength, paramsLength;
  if (!typedArray(env, argv[0], napi_int32_array, &t.trie, &trieLength) ||
      !typedArray(env, argv[1], napi_int16_array, &t.words, &wordsLength) ||
      !typedArray(env, argv[2], napi_int32_array, &t.firstStep, &stepsLength) ||
      !typedArray(env, argv[3], napi_int16_array, &t.connection, &connectionLength) ||
      !typedArray(env, argv[4], napi_uint32_array, &t.kindsOf, &kindsLength) ||
      !typedArray(env, argv[5], napi_uint8_array, &t.categoryOf, &categoryOfLength) ||
      !typedArray(env, argv[6], napi_int32_array, &t.categoryTable, &categoryLength) ||
      !typedArray(env, argv[7], napi_int32_array, &t.unknownTable, &unknownLength) ||
      !typedArray(env, argv[8], napi_int32_array, &params, &paramsLength) || paramsLength < 3)
    return fail(env, "out, the tables and params: typed arrays of the kinds mecab-lattice.ts builds"), false;
  t.units = static_cast<int64_t>(trieLength >> 1);
  t.wordCount = static_cast<int64_t>(wordsLength >> 2);
  t.stride = params[0];
  t.spaceCategory = params[1];
  t.defaultCategory = params[2];
  t.categoryCount = static_cast<int64_t>(categoryLength / 5);
  t.unknownLength = static_cast<int64_t>(unknownLength);
  t.lefts = t.stride > 0 ? static_cast<int64_t>(connectionLength) / t.stride : 0;
  // The tables every index reads unchecked below: the BMP-wide ones, BOS's joins, the default category.
  if (t.units < 1 || t.stride < 1 || t.lefts < 1 || stepsLength < 2 * 0x10000 || kindsLength < 0x10000 ||
      categoryOfLength < 0x10000 || t.defaultCategory < 0 || t.defaultCategory >= t.categoryCount ||
      t.defaultCategory > 31)
    return fail(env, "the dictionary's tables are damaged (rebuild its cache)", false), false;
  return true;
}

/** The arguments of a call, exactly `count` of them, and this thread's scratch; nullptr after throwing. */
Thread* begin(napi_env env, napi_callback_info info, size_t count, napi_value* argv) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != count) {
    const std::string message = std::to_string(count) + " arguments expected";
    return fail(env, message.c_str()), nullptr;
  }
  Thread* thread = threadOf(env);
  if (thread == nullptr) fail(env, "the addon was not initialised", false);
  return thread;
}

napi_value count(napi_env env, int32_t n) {
  napi_value result;
  napi_create_int32(env, n, &result);
  return result;
}

napi_value Segment(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  Thread* thread = begin(env, info, 11, argv);
  if (thread == nullptr) return nullptr;
  Scratch& s = thread->lattice;
  const int64_t length = readText(env, argv[0], s);
  if (length < 0) return nullptr;
  const int32_t* out = nullptr;
  size_t outLength = 0;
  Tables t{};
  if (!typedArray(env, argv[1], napi_int32_array, &out, &outLength))
    return fail(env, "out, the tables and params: typed arrays of the kinds mecab-lattice.ts builds");
  if (!readTables(env, argv + 2, t)) return nullptr;
  if (outLength < 2 * static_cast<size_t>(length)) return fail(env, "out: at least 2 * text.length entries");
  const int32_t n = segment(s, t, static_cast<size_t>(length), const_cast<int32_t*>(out));
  if (s.damaged) return fail(env, "the dictionary's tables are damaged (rebuild its cache)", false);
  return count(env, n);
}

/** The vocabulary an external holds; nullptr after throwing. */
jcb::Vocabulary* vocabularyOf(napi_env env, napi_value value) {
  napi_valuetype kind;
  void* data = nullptr;
  if (napi_typeof(env, value, &kind) != napi_ok || kind != napi_external ||
      napi_get_value_external(env, value, &data) != napi_ok || data == nullptr)
    return fail(env, "vocabulary: one made by vocabulary()"), nullptr;
  return static_cast<jcb::Vocabulary*>(data);
}

napi_value NewVocabulary(napi_env env, napi_callback_info) {
  napi_value external;
  auto* vocabulary = new jcb::Vocabulary();
  if (napi_create_external(
          env, vocabulary, [](napi_env, void* data, void*) { delete static_cast<jcb::Vocabulary*>(data); }, nullptr,
          &external) != napi_ok) {
    delete vocabulary;
    return fail(env, "vocabulary: not made", false);
  }
  return external;
}

napi_value Ids(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  Thread* thread = begin(env, info, 5, argv);
  if (thread == nullptr) return nullptr;
  jcb::Vocabulary* vocabulary = vocabularyOf(env, argv[0]);
  if (vocabulary == nullptr) return nullptr;
  Scratch& s = thread->lattice;
  const int64_t length = readText(env, argv[1], s);
  if (length < 0) return nullptr;
  const int32_t *bounds = nullptr, *out = nullptr;
  size_t boundsLength = 0, outLength = 0;
  int32_t n = 0;
  if (!typedArray(env, argv[2], napi_int32_array, &bounds, &boundsLength) ||
      napi_get_value_int32(env, argv[3], &n) != napi_ok || !typedArray(env, argv[4], napi_int32_array, &out, &outLength))
    return fail(env, "bounds: an Int32Array, count: a number, out: an Int32Array");
  if (n < 0 || 2 * static_cast<size_t>(n) > boundsLength || outLength < static_cast<size_t>(length))
    return fail(env, "count: at most half the bounds' entries; out: at least text.length entries");
  // Every bound indexes the text, and tokens in order never overlap (so at most text.length pieces reach out): a
  // bound that breaks either is refused, not trusted.
  for (int32_t i = 0, end = 0; i < n; end = bounds[2 * i + 1], i++)
    if (bounds[2 * i] < end || bounds[2 * i] > bounds[2 * i + 1] || bounds[2 * i + 1] > length) {
      napi_throw_range_error(env, nullptr, "bounds: [start, end) pairs in order within the text");
      return nullptr;
    }
  return count(env, jcb::tokenIds(*vocabulary, s.text.data(), bounds, n, const_cast<int32_t*>(out)));
}

napi_value Lcs(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Thread* thread = begin(env, info, 3, argv);
  if (thread == nullptr) return nullptr;
  jcb::Vocabulary* vocabulary = vocabularyOf(env, argv[0]);
  if (vocabulary == nullptr) return nullptr;
  const int32_t *a = nullptr, *b = nullptr;
  size_t m = 0, n = 0;
  if (!typedArray(env, argv[1], napi_int32_array, &a, &m) || !typedArray(env, argv[2], napi_int32_array, &b, &n))
    return fail(env, "a, b: Int32Arrays of ids");
  // Every id indexes a table below: one the vocabulary never gave is refused, not trusted.
  const int64_t size = static_cast<int64_t>(vocabulary->surfaces.size());
  for (const auto& [ids, length] : {std::pair{a, m}, std::pair{b, n}})
    for (size_t i = 0; i < length; i++)
      if (ids[i] < 0 || ids[i] >= size) {
        napi_throw_range_error(env, nullptr, "a, b: ids of the vocabulary given");
        return nullptr;
      }
  return count(env, jcb::lcsLength(thread->lcs, a, m, b, n));
}


}  // namespace

NAPI_MODULE_INIT() {
  Thread* thread = new Thread();
  napi_set_instance_data(env, thread, [](napi_env, void* data, void*) { delete static_cast<Thread*>(data); }, nullptr);
  const std::pair<const char*, napi_callback> functions[] = {
      {"segment", Segment}, {"vocabulary", NewVocabulary}, {"ids", Ids}, {"lcs", Lcs}};
  for (const auto& [name, callback] : functions) {
    napi_value fn;
    if (napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn) != napi_ok) return nullptr;
    if (napi_set_named_property(env, exports, name, fn) != napi_ok) return nullptr;
  }
  return exports;
}
