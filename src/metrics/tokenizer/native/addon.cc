// The addon's one function (lattice.cc is the lattice):
//
// segment(text, out, trie, words, firstStep, connection, kindsOf, categoryOf, categoryTable, unknownTable, params)
//   text: the string to segment (arbitrary: lone surrogates, NULs, any length);
//   out: an Int32Array of at least 2 * text.length entries: each token's UTF-16 start and end, in order;
//   the tables: Ipadic's (ipadic.ts) and categoryTables' (mecab-lattice.ts);
//   params: an Int32Array [connectionStride, spaceCategory, defaultCategory].
//   Returns the number of tokens. Throws a TypeError on arguments of the wrong kind, and an Error when a table
//   index falls outside its table (a damaged dictionary): every index is checked, none is trusted.
// Scratch tables are per thread (napi_set_instance_data: each worker thread loads the addon anew) and only grow.
#include <node_api.h>

#include "lattice.h"

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

napi_value Segment(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 11)
    return fail(env, "segment: 11 arguments expected");
  Scratch* s = nullptr;
  if (napi_get_instance_data(env, reinterpret_cast<void**>(&s)) != napi_ok || s == nullptr)
    return fail(env, "segment: the addon was not initialised", false);
  napi_valuetype kind;
  if (napi_typeof(env, argv[0], &kind) != napi_ok || kind != napi_string) return fail(env, "segment: text: a string");
  size_t length = 0;
  if (napi_get_value_string_utf16(env, argv[0], nullptr, 0, &length) != napi_ok)
    return fail(env, "segment: text unreadable");
  if (length >= 0x3fffffff) return fail(env, "segment: text too long", false);
  ensure(s->text, length + 1);
  size_t copied = 0;
  if (napi_get_value_string_utf16(env, argv[0], s->text.data(), length + 1, &copied) != napi_ok || copied != length)
    return fail(env, "segment: text unreadable");

  Tables t{};
  const int32_t* out = nullptr;
  const int32_t* params = nullptr;
  size_t outLength, trieLength, wordsLength, stepsLength, connectionLength, kindsLength, categoryOfLength,
      categoryLength, unknownLength, paramsLength;
  if (!typedArray(env, argv[1], napi_int32_array, &out, &outLength) ||
      !typedArray(env, argv[2], napi_int32_array, &t.trie, &trieLength) ||
      !typedArray(env, argv[3], napi_int16_array, &t.words, &wordsLength) ||
      !typedArray(env, argv[4], napi_int32_array, &t.firstStep, &stepsLength) ||
      !typedArray(env, argv[5], napi_int16_array, &t.connection, &connectionLength) ||
      !typedArray(env, argv[6], napi_uint32_array, &t.kindsOf, &kindsLength) ||
      !typedArray(env, argv[7], napi_uint8_array, &t.categoryOf, &categoryOfLength) ||
      !typedArray(env, argv[8], napi_int32_array, &t.categoryTable, &categoryLength) ||
      !typedArray(env, argv[9], napi_int32_array, &t.unknownTable, &unknownLength) ||
      !typedArray(env, argv[10], napi_int32_array, &params, &paramsLength) || paramsLength < 3)
    return fail(env, "segment: out, the tables and params: typed arrays of the kinds mecab-lattice.ts builds");
  if (outLength < 2 * length) return fail(env, "segment: out: at least 2 * text.length entries");
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
    return fail(env, "segment: the dictionary's tables are damaged (rebuild its cache)", false);
  const int32_t count = segment(*s, t, length, const_cast<int32_t*>(out));
  if (s->damaged) return fail(env, "segment: the dictionary's tables are damaged (rebuild its cache)", false);
  napi_value result;
  napi_create_int32(env, count, &result);
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  Scratch* scratch = new Scratch();
  napi_set_instance_data(
      env, scratch, [](napi_env, void* data, void*) { delete static_cast<Scratch*>(data); }, nullptr);
  napi_value fn;
  if (napi_create_function(env, "segment", NAPI_AUTO_LENGTH, Segment, nullptr, &fn) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "segment", fn) != napi_ok) return nullptr;
  return exports;
}
