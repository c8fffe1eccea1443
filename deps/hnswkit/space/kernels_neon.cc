// NEON kernels: the arm64 baseline, four floats per instruction with fused multiply-add.
#include <arm_neon.h>

#include "space/kernels.h"

namespace hnswkit {
namespace {

inline void prefetch_line(const char* address) { __builtin_prefetch(address, 0, 3); }

// The rest of the `ahead` vector from byte `from` on, and the line holding its last byte.
inline void prefetch_rest(const char* ahead, std::size_t from, std::size_t bytes) {
  for (std::size_t offset = from; offset < bytes; offset += 64) prefetch_line(ahead + offset);
  prefetch_line(ahead + bytes - 1);
}

// With kAhead, each step of the main loop (64 bytes of b) also prefetches the matching line of `ahead`.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f),
              acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (kAhead) prefetch_line(ahead + 4 * i);
    float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
    float32x4_t d1 = vsubq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    float32x4_t d2 = vsubq_f32(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    float32x4_t d3 = vsubq_f32(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
    acc0 = vfmaq_f32(acc0, d0, d0);
    acc1 = vfmaq_f32(acc1, d1, d1);
    acc2 = vfmaq_f32(acc2, d2, d2);
    acc3 = vfmaq_f32(acc3, d3, d3);
  }
  if (kAhead) prefetch_rest(ahead, 4 * i, 4 * n);
  for (; i + 4 <= n; i += 4) {
    float32x4_t d = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
    acc0 = vfmaq_f32(acc0, d, d);
  }
  float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3)));
  for (; i < n; ++i) {
    float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f),
              acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (kAhead) prefetch_line(ahead + 4 * i);
    acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), vld1q_f32(b + i));
    acc1 = vfmaq_f32(acc1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    acc2 = vfmaq_f32(acc2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    acc3 = vfmaq_f32(acc3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
  }
  if (kAhead) prefetch_rest(ahead, 4 * i, 4 * n);
  for (; i + 4 <= n; i += 4) acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), vld1q_f32(b + i));
  float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3)));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l2_squared_neon(const float* a, const float* b, std::size_t n) {
  return l2_squared_impl<false>(a, b, n, nullptr);
}
float dot_neon(const float* a, const float* b, std::size_t n) { return dot_impl<false>(a, b, n, nullptr); }
float l2_squared_ahead_neon(const float* a, const float* b, std::size_t n, const float* ahead) {
  return l2_squared_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float dot_ahead_neon(const float* a, const float* b, std::size_t n, const float* ahead) {
  return dot_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}

}  // namespace

const KernelSet kNeonKernels = {SimdLevel::kNeon,      "neon",        l2_squared_neon, dot_neon,
                                l2_squared_ahead_neon, dot_ahead_neon};

}  // namespace hnswkit
