// Checked accessors for method arguments: each one verifies a JS value's type and range before C++ relies on it.
//
// lib/ validates every public argument with hnswlib-node's exact messages; these checks are the cheap second line
// that keeps a bad call (from lib/ or from someone calling the addon directly) a JS exception instead of a crash.
#pragma once

#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "space/space.h"

namespace binding {

// Number.MAX_SAFE_INTEGER: the largest label or count a JS number carries exactly.
inline constexpr double kMaxSafeInteger = 9007199254740991.0;

[[noreturn]] inline void ThrowTypeError(Napi::Env env, const char* name, const char* expected) {
  throw Napi::TypeError::New(env, std::string("Expected `") + name + "` to be " + expected);
}

// An integer-valued JS number in [min, max].
inline std::uint64_t ExpectIntegerValue(Napi::Env env, Napi::Value value, const char* name, double min, double max) {
  if (!value.IsNumber()) ThrowTypeError(env, name, "a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  // Written so that NaN fails too.
  if (!(number >= min && number <= max && std::trunc(number) == number)) {
    throw Napi::RangeError::New(env, std::string("Expected `") + name + "` to be an integer from " +
                                         std::to_string(static_cast<std::uint64_t>(min)) + " to " +
                                         std::to_string(static_cast<std::uint64_t>(max)) + " but received " +
                                         value.ToString().Utf8Value());
  }
  return static_cast<std::uint64_t>(number);
}

inline std::uint64_t ExpectInteger(const Napi::CallbackInfo& info, std::size_t i, const char* name, double min,
                                   double max) {
  return ExpectIntegerValue(info.Env(), info[i], name, min, max);
}

inline std::uint64_t ExpectLabel(const Napi::CallbackInfo& info, std::size_t i, const char* name = "label") {
  return ExpectInteger(info, i, name, 0, kMaxSafeInteger);
}

// The largest size or count a JS number carries exactly and std::size_t holds.
inline double MaxCount() {
  return std::min(kMaxSafeInteger, static_cast<double>(std::numeric_limits<std::size_t>::max()));
}

// A size or count (k, ef, m, maxElements, a dimension): an integer that also fits std::size_t.
inline std::size_t ExpectCount(const Napi::CallbackInfo& info, std::size_t i, const char* name, std::size_t min = 0) {
  return static_cast<std::size_t>(ExpectInteger(info, i, name, static_cast<double>(min), MaxCount()));
}

inline bool ExpectBool(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Value value = info[i];
  if (!value.IsBoolean()) ThrowTypeError(info.Env(), name, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

inline std::string ExpectString(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Value value = info[i];
  if (!value.IsString()) ThrowTypeError(info.Env(), name, "a string");
  return value.As<Napi::String>().Utf8Value();
}

// A file path: a string the C library can open as written, so no embedded NUL that would cut it short.
inline std::string ExpectPath(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  std::string path = ExpectString(info, i, name);
  if (path.find('\0') != std::string::npos) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected `") + name + "` to contain no NUL characters");
  }
  return path;
}

inline hnswkit::Metric ExpectMetric(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  const std::string text = ExpectString(info, i, name);
  hnswkit::Metric metric;
  if (!hnswkit::parse_metric(text, &metric)) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected `") + name +
                                                "` to be \"l2\", \"ip\" or \"cosine\" but received \"" + text + "\"");
  }
  return metric;
}

// The optional precision argument: "f32", "f16" or "i8"; *given is false (and the result kF32) when it is undefined.
inline hnswkit::Precision ExpectOptionalPrecision(const Napi::CallbackInfo& info, std::size_t i, const char* name,
                                                  bool* given) {
  *given = i < info.Length() && !info[i].IsUndefined();
  if (!*given) return hnswkit::Precision::kF32;
  const std::string text = ExpectString(info, i, name);
  hnswkit::Precision precision;
  if (!hnswkit::parse_precision(text, &precision)) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected `") + name +
                                                "` to be \"f32\", \"f16\" or \"i8\" but received \"" + text + "\"");
  }
  return precision;
}

// A typed array of one element type; `expected` names it in the TypeError.
template <typename Array>
Array ExpectTypedArrayValue(Napi::Env env, Napi::Value value, const char* name, napi_typedarray_type type,
                            const char* expected) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    ThrowTypeError(env, name, expected);
  }
  return value.As<Array>();
}

template <typename Array>
Array ExpectTypedArray(const Napi::CallbackInfo& info, std::size_t i, const char* name, napi_typedarray_type type,
                       const char* expected) {
  return ExpectTypedArrayValue<Array>(info.Env(), info[i], name, type, expected);
}

inline Napi::Float32Array ExpectFloat32Array(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  return ExpectTypedArray<Napi::Float32Array>(info, i, name, napi_float32_array, "a Float32Array");
}

// A Float32Array of exactly `length` elements; its Data() already points past byteOffset.
inline Napi::Float32Array ExpectVector(const Napi::CallbackInfo& info, std::size_t i, const char* name,
                                       std::size_t length) {
  Napi::Float32Array vector = ExpectFloat32Array(info, i, name);
  // A detached buffer reports length 0 and a null pointer, so it fails here too.
  if (vector.ElementLength() != length || vector.Data() == nullptr) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected `") + name + "` to have " + std::to_string(length) +
                                                " elements but received " + std::to_string(vector.ElementLength()));
  }
  return vector;
}

// The index of the first NaN or infinite element of v, or n if every element is finite. Blocks of 64 are scanned
// without a branch per element (the compiler vectorises the test), so a 784-d query costs a few dozen cycles.
inline std::size_t FirstNonFinite(const float* v, std::size_t n) {
  constexpr std::uint32_t kExponent = 0x7f800000u;  // all exponent bits set: infinity or NaN
  constexpr std::size_t kBlock = 64;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    bool any = false;
    for (std::size_t i = start; i < end; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, v + i, sizeof bits);
      any |= (bits & kExponent) == kExponent;
    }
    if (!any) continue;
    for (std::size_t i = start; i < end; ++i) {
      if (!std::isfinite(v[i])) return i;
    }
  }
  return n;
}

// The caller's buffer for one query's hits: a Float64Array of at least 2k elements (at least 1).
inline Napi::Float64Array ExpectHitBuffer(const Napi::CallbackInfo& info, std::size_t i, std::size_t k) {
  Napi::Float64Array out = ExpectTypedArray<Napi::Float64Array>(info, i, "out", napi_float64_array, "a Float64Array");
  if (out.Data() == nullptr || out.ElementLength() < std::max<std::size_t>(1, 2 * k)) {
    throw Napi::RangeError::New(info.Env(), "Expected `out` to hold at least 2k = " + std::to_string(2 * k) +
                                                " elements but received " + std::to_string(out.ElementLength()));
  }
  return out;
}

// Any Uint8Array, Node's Buffer included.
inline Napi::Uint8Array ExpectBytes(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  return ExpectTypedArray<Napi::Uint8Array>(info, i, name, napi_uint8_array, "a Uint8Array or Buffer");
}

// A function, or an empty handle for undefined and null.
inline Napi::Function OptionalFunction(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Value value = info[i];
  if (value.IsUndefined() || value.IsNull()) return Napi::Function();
  if (!value.IsFunction()) ThrowTypeError(info.Env(), name, "a function or undefined");
  return value.As<Napi::Function>();
}

// ---- option objects (the batch methods take their settings as one object) -------------------------------------

inline Napi::Object ExpectObject(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Value value = info[i];
  if (!value.IsObject()) ThrowTypeError(info.Env(), name, "an object");
  return value.As<Napi::Object>();
}

// A property that is absent or undefined reads as an empty handle.
inline Napi::Value OptionalProperty(Napi::Object object, const char* key) {
  Napi::Value value = object.Get(key);
  return value.IsUndefined() ? Napi::Value() : value;
}

inline std::size_t CountProperty(Napi::Object object, const char* key, std::size_t min, std::size_t fallback) {
  Napi::Value value = OptionalProperty(object, key);
  if (value.IsEmpty()) return fallback;
  return static_cast<std::size_t>(ExpectIntegerValue(object.Env(), value, key, static_cast<double>(min), MaxCount()));
}

inline bool BoolProperty(Napi::Object object, const char* key, bool fallback) {
  Napi::Value value = OptionalProperty(object, key);
  if (value.IsEmpty()) return fallback;
  if (!value.IsBoolean()) ThrowTypeError(object.Env(), key, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

inline Napi::Function FunctionProperty(Napi::Object object, const char* key) {
  Napi::Value value = OptionalProperty(object, key);
  if (value.IsEmpty()) return Napi::Function();
  if (!value.IsFunction()) ThrowTypeError(object.Env(), key, "a function");
  return value.As<Napi::Function>();
}

// Labels handed over as a Float64Array, each checked to be an integer 0..2^53-1 and copied.
inline std::vector<std::uint64_t> LabelsFromValue(Napi::Env env, Napi::Value value, const char* name) {
  Napi::Float64Array array = ExpectTypedArrayValue<Napi::Float64Array>(env, value, name, napi_float64_array,
                                                                       "a Float64Array");
  const std::size_t n = array.ElementLength();
  const double* data = array.Data();
  std::vector<std::uint64_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double label = data[i];
    if (!(label >= 0 && label <= kMaxSafeInteger && std::trunc(label) == label)) {
      throw Napi::RangeError::New(env, std::string("Expected `") + name + "[" + std::to_string(i) +
                                           "]` to be an integer from 0 to 9007199254740991");
    }
    labels[i] = static_cast<std::uint64_t>(label);
  }
  return labels;
}

}  // namespace binding
