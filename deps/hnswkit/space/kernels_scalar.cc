// Portable scalar kernels: the reference every SIMD kernel is tested against, and the fallback on any CPU.
#include "space/kernels.h"

namespace hnswkit {
namespace {

inline void prefetch_line(const char* address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#else
  (void)address;
#endif
}

// The rest of the `ahead` vector from byte `from` on, and the line holding its last byte.
inline void prefetch_rest(const char* ahead, std::size_t from, std::size_t bytes) {
  for (std::size_t offset = from; offset < bytes; offset += 64) prefetch_line(ahead + offset);
  prefetch_line(ahead + bytes - 1);
}

// Four independent accumulators let the CPU overlap the adds; the result is summed in a fixed order so every
// call on the same data gives the same bits. With kAhead, every fourth step of the main loop (64 bytes of b) also
// prefetches the matching line of `ahead`.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    if (kAhead && i % 16 == 0) prefetch_line(ahead + 4 * i);
    float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  if (kAhead) prefetch_rest(ahead, 4 * i, 4 * n);
  for (; i < n; ++i) {
    float d = a[i] - b[i];
    s0 += d * d;
  }
  return (s0 + s1) + (s2 + s3);
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    if (kAhead && i % 16 == 0) prefetch_line(ahead + 4 * i);
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  if (kAhead) prefetch_rest(ahead, 4 * i, 4 * n);
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

float l2_squared_scalar(const float* a, const float* b, std::size_t n) {
  return l2_squared_impl<false>(a, b, n, nullptr);
}
float dot_scalar(const float* a, const float* b, std::size_t n) { return dot_impl<false>(a, b, n, nullptr); }
float l2_squared_ahead_scalar(const float* a, const float* b, std::size_t n, const float* ahead) {
  return l2_squared_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float dot_ahead_scalar(const float* a, const float* b, std::size_t n, const float* ahead) {
  return dot_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}

}  // namespace

const KernelSet kScalarKernels = {SimdLevel::kScalar,      "scalar",        l2_squared_scalar, dot_scalar,
                                  l2_squared_ahead_scalar, dot_ahead_scalar};

}  // namespace hnswkit
