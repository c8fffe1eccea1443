// What every kernel set shares, written once: the prefetch helpers, the scalar tails, the four entry points a
// KernelSet holds and the table itself. Each kernels_<isa>.cc defines HNSWKIT_KERNEL_NS, includes this file, and
// then defines only its arithmetic, l2_squared_impl<kAhead> and dot_impl<kAhead> (declared below).
//
// Each includer is compiled with its own instruction-set flags, so everything here lives in a namespace of its own
// per set (hnswkit::avx2, hnswkit::neon, ...) and, inside it, an anonymous namespace: internal linkage, one copy per
// object file. An inline function with external linkage would be one symbol across the files, of which the linker
// keeps any one copy, possibly the AVX-512 one, for every caller (docs/design.md, "Spaces and kernels").
#pragma once

#ifndef HNSWKIT_KERNEL_NS
#error "define HNSWKIT_KERNEL_NS, the kernel set's namespace, before including space/kernels-inl.h"
#endif

#include <cstddef>

#include "space/kernels.h"
#include "util/prefetch.h"

namespace hnswkit {
namespace HNSWKIT_KERNEL_NS {
namespace {

constexpr std::size_t kLineBytes = 64;
constexpr std::size_t kLineFloats = kLineBytes / sizeof(float);

// Asks for the cache line holding `address`, to be read soon (util/prefetch.h).
inline void prefetch_line(const char* address) { prefetch(address); }

// Called at the top of each step of a body's main loop, which reads floats [i, i + kStep) of b: with kAhead,
// prefetches the lines of `ahead` at the same offsets. A step of a line or more asks for each of its lines; a
// shorter step asks for one line on the steps that start one, so the requests stay spread over the loop.
template <bool kAhead, std::size_t kStep>
inline void prefetch_step(const char* ahead, std::size_t i) {
  static_assert(kStep % kLineFloats == 0 || kLineFloats % kStep == 0, "a step covers whole lines or divides one");
  if (!kAhead) return;
  if (kStep >= kLineFloats) {
    for (std::size_t line = 0; line < kStep / kLineFloats; ++line) {
      prefetch_line(ahead + sizeof(float) * i + kLineBytes * line);
    }
  } else if (i % kLineFloats == 0) {
    prefetch_line(ahead + sizeof(float) * i);
  }
}

// Called once after the main loop, which stopped at float i of n: with kAhead, prefetches the rest of `ahead` and
// the line holding its last byte (the vector need not start on a line boundary).
template <bool kAhead>
inline void prefetch_rest(const char* ahead, std::size_t i, std::size_t n) {
  if (!kAhead) return;
  const std::size_t bytes = sizeof(float) * n;
  for (std::size_t offset = sizeof(float) * i; offset < bytes; offset += kLineBytes) prefetch_line(ahead + offset);
  prefetch_line(ahead + bytes - 1);
}

// Floats [i, n) one at a time, added to `sum` in order: the tail of the sets that have no masked load.
inline float l2_squared_tail(const float* a, const float* b, std::size_t i, std::size_t n, float sum) {
  for (; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

inline float dot_tail(const float* a, const float* b, std::size_t i, std::size_t n, float sum) {
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// The arithmetic, defined by the including file: the sum over i < n of (a[i] - b[i])^2, or of a[i] * b[i], reading
// exactly n floats from each of a and b. With kAhead the body calls prefetch_step in its main loop and prefetch_rest
// after it; without, `ahead` is null and both calls compile to nothing, so the two variants give the same bits.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead);
template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead);

// The entry points (KernelFn and AheadKernelFn in space/kernels.h).
float l2_squared(const float* a, const float* b, std::size_t n) { return l2_squared_impl<false>(a, b, n, nullptr); }
float dot(const float* a, const float* b, std::size_t n) { return dot_impl<false>(a, b, n, nullptr); }
float l2_squared_ahead(const float* a, const float* b, std::size_t n, const float* ahead) {
  return l2_squared_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float dot_ahead(const float* a, const float* b, std::size_t n, const float* ahead) {
  return dot_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}

// The table the including file exports as k<Set>Kernels. constexpr, so that table is filled at compile time and
// is complete before any code runs.
constexpr KernelSet kernel_set(SimdLevel level, const char* name) {
  return {level, name, l2_squared, dot, l2_squared_ahead, dot_ahead};
}

}  // namespace
}  // namespace HNSWKIT_KERNEL_NS
}  // namespace hnswkit
