// Engine results as JS values: search hits, label lists, vectors and serialized bytes.
#pragma once

#include <napi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "index/search_types.h"

namespace binding {

// A JS Array of n numbers, value(i) for element i. Handles are released every few thousand elements so that
// listing a million labels does not keep a million handles alive at once.
template <typename ValueAt>
Napi::Array NumberArray(Napi::Env env, std::size_t n, ValueAt&& value) {
  constexpr std::size_t kChunk = 4096;
  Napi::Array array = Napi::Array::New(env, n);
  for (std::size_t start = 0; start < n; start += kChunk) {
    Napi::HandleScope scope(env);
    const std::size_t end = std::min(n, start + kChunk);
    for (std::size_t i = start; i < end; ++i) {
      array.Set(static_cast<std::uint32_t>(i), Napi::Number::New(env, value(i)));
    }
  }
  return array;
}

// Distances in out[0, n), labels in out[n, 2n), closest first; out holds at least 2n doubles. The JS layer builds
// hnswlib-node's { distances, neighbors } arrays from them, which is far cheaper there than element by element
// through Node-API.
inline void HitsToBuffer(const hnswkit::SearchHits& hits, double* out) {
  const std::size_t n = hits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = hits[i].distance;
    out[n + i] = static_cast<double>(hits[i].label);
  }
}

inline Napi::Array LabelsToJs(Napi::Env env, const std::vector<std::uint64_t>& labels) {
  return NumberArray(env, labels.size(), [&](std::size_t i) { return static_cast<double>(labels[i]); });
}

inline Napi::Float32Array VectorToJs(Napi::Env env, const std::vector<float>& vector) {
  Napi::Float32Array array = Napi::Float32Array::New(env, vector.size());
  if (!vector.empty()) std::memcpy(array.Data(), vector.data(), vector.size() * sizeof(float));
  return array;
}

// Hands the bytes to a Buffer without copying where the runtime allows external memory (the Buffer's finalizer
// frees them), and copies where it does not.
inline Napi::Buffer<std::uint8_t> BytesToBuffer(Napi::Env env, std::vector<std::uint8_t> bytes) {
  auto owned = std::make_unique<std::vector<std::uint8_t>>(std::move(bytes));
  Napi::Buffer<std::uint8_t> buffer = Napi::Buffer<std::uint8_t>::NewOrCopy(
      env, owned->data(), owned->size(), [](Napi::Env, std::uint8_t*, std::vector<std::uint8_t>* held) { delete held; },
      owned.get());
  // Only now does the Buffer own the bytes (or has already freed them after copying); if NewOrCopy threw,
  // `owned` still frees them.
  owned.release();
  return buffer;
}

}  // namespace binding
