// SSE kernels: the x86-64 baseline (every x86-64 CPU has SSE2), four floats per instruction.
#include <emmintrin.h>
#include <xmmintrin.h>

#define HNSWKIT_KERNEL_NS sse
#include "space/kernels-inl.h"

namespace hnswkit {
namespace sse {
namespace {

inline float horizontal_sum(__m128 v) {
  __m128 shuffled = _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1));
  __m128 sums = _mm_add_ps(v, shuffled);
  shuffled = _mm_movehl_ps(shuffled, sums);
  return _mm_cvtss_f32(_mm_add_ss(sums, shuffled));
}

template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_step<kAhead, 8>(ahead, i);
    __m128 d0 = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    __m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
  }
  prefetch_rest<kAhead>(ahead, i, n);
  if (i + 4 <= n) {
    __m128 d = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d, d));
    i += 4;
  }
  return l2_squared_tail(a, b, i, n, horizontal_sum(_mm_add_ps(acc0, acc1)));
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_step<kAhead, 8>(ahead, i);
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
  }
  prefetch_rest<kAhead>(ahead, i, n);
  if (i + 4 <= n) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    i += 4;
  }
  return dot_tail(a, b, i, n, horizontal_sum(_mm_add_ps(acc0, acc1)));
}

}  // namespace
}  // namespace sse

const KernelSet kSseKernels = sse::kernel_set(SimdLevel::kSse, "sse");

}  // namespace hnswkit
