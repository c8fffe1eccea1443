// SSE kernels: the x86-64 baseline (every x86-64 CPU has SSE2), four floats per instruction.
#include <emmintrin.h>

#include "space/kernels.h"

namespace hnswkit {
namespace {

inline float horizontal_sum(__m128 v) {
  __m128 shuffled = _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1));
  __m128 sums = _mm_add_ps(v, shuffled);
  shuffled = _mm_movehl_ps(shuffled, sums);
  return _mm_cvtss_f32(_mm_add_ss(sums, shuffled));
}

float l2_squared_sse(const float* a, const float* b, std::size_t n) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128 d0 = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    __m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
  }
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

float dot_sse(const float* a, const float* b, std::size_t n) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
  }
  if (i + 4 <= n) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    i += 4;
  }
  float sum = horizontal_sum(_mm_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

}  // namespace

const KernelSet kSseKernels = {SimdLevel::kSse, "sse", l2_squared_sse, dot_sse};

}  // namespace hnswkit
