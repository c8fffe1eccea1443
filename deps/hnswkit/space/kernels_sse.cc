// SSE kernels: the x86-64 baseline (every x86-64 CPU has SSE2), four floats per instruction.
#include <emmintrin.h>
#include <xmmintrin.h>

#include "space/kernels.h"

namespace hnswkit {
namespace {

inline float horizontal_sum(__m128 v) {
  __m128 shuffled = _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1));
  __m128 sums = _mm_add_ps(v, shuffled);
  shuffled = _mm_movehl_ps(shuffled, sums);
  return _mm_cvtss_f32(_mm_add_ss(sums, shuffled));
}

// The rest of the `ahead` vector from byte `from` on, and the line holding its last byte.
inline void prefetch_rest(const char* ahead, std::size_t from, std::size_t bytes) {
  for (std::size_t offset = from; offset < bytes; offset += 64) _mm_prefetch(ahead + offset, _MM_HINT_T0);
  _mm_prefetch(ahead + bytes - 1, _MM_HINT_T0);
}

// With kAhead, every other step of the main loop (64 bytes of b) also prefetches the matching line of `ahead`.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (kAhead && i % 16 == 0) _mm_prefetch(ahead + 4 * i, _MM_HINT_T0);
    __m128 d0 = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    __m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
  }
  if (kAhead) prefetch_rest(ahead, 4 * i, 4 * n);
  if (i + 4 <= n) {
    __m128 d = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d, d));
    i += 4;
  }
  float sum = horizontal_sum(_mm_add_ps(acc0, acc1));
  for (; i < n; ++i) {
    float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (kAhead && i % 16 == 0) _mm_prefetch(ahead + 4 * i, _MM_HINT_T0);
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
  }
  if (kAhead) prefetch_rest(ahead, 4 * i, 4 * n);
  if (i + 4 <= n) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    i += 4;
  }
  float sum = horizontal_sum(_mm_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l2_squared_sse(const float* a, const float* b, std::size_t n) { return l2_squared_impl<false>(a, b, n, nullptr); }
float dot_sse(const float* a, const float* b, std::size_t n) { return dot_impl<false>(a, b, n, nullptr); }
float l2_squared_ahead_sse(const float* a, const float* b, std::size_t n, const float* ahead) {
  return l2_squared_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float dot_ahead_sse(const float* a, const float* b, std::size_t n, const float* ahead) {
  return dot_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}

}  // namespace

const KernelSet kSseKernels = {SimdLevel::kSse, "sse", l2_squared_sse, dot_sse, l2_squared_ahead_sse, dot_ahead_sse};

}  // namespace hnswkit
