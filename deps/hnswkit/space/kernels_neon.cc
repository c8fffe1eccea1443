// NEON kernels: the arm64 baseline, four floats per instruction with fused multiply-add; f16 values are widened and
// narrowed four at a time (FCVTL and FCVTN are baseline AArch64).
#include <arm_neon.h>

#define HNSWKIT_KERNEL_NS neon
#include "space/kernels-inl.h"

namespace hnswkit {
namespace neon {
namespace {

// Four accumulator chains hide the FMA latency (see kernels_avx512.cc); what the vectors leave goes one float at a
// time.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16>(ahead, i);
    float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
    float32x4_t d1 = vsubq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    float32x4_t d2 = vsubq_f32(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    float32x4_t d3 = vsubq_f32(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
    acc0 = vfmaq_f32(acc0, d0, d0);
    acc1 = vfmaq_f32(acc1, d1, d1);
    acc2 = vfmaq_f32(acc2, d2, d2);
    acc3 = vfmaq_f32(acc3, d3, d3);
  }
  prefetch_rest<kAhead>(ahead, i, n);
  for (; i + 4 <= n; i += 4) {
    float32x4_t d = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
    acc0 = vfmaq_f32(acc0, d, d);
  }
  return l2_squared_tail(a, b, i, n, vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3))));
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16>(ahead, i);
    acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), vld1q_f32(b + i));
    acc1 = vfmaq_f32(acc1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    acc2 = vfmaq_f32(acc2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    acc3 = vfmaq_f32(acc3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
  }
  prefetch_rest<kAhead>(ahead, i, n);
  for (; i + 4 <= n; i += 4) acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), vld1q_f32(b + i));
  return dot_tail(a, b, i, n, vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3))));
}

inline float32x4_t load_f16x4(const std::uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }

// As l2_squared_impl: the same chains; a step of 16 f16 values is half a cache line.
template <bool kAhead>
float l2_squared_f16_impl(const std::uint16_t* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16, std::uint16_t>(ahead, i);
    float32x4_t d0 = vsubq_f32(load_f16x4(a + i), load_f16x4(b + i));
    float32x4_t d1 = vsubq_f32(load_f16x4(a + i + 4), load_f16x4(b + i + 4));
    float32x4_t d2 = vsubq_f32(load_f16x4(a + i + 8), load_f16x4(b + i + 8));
    float32x4_t d3 = vsubq_f32(load_f16x4(a + i + 12), load_f16x4(b + i + 12));
    acc0 = vfmaq_f32(acc0, d0, d0);
    acc1 = vfmaq_f32(acc1, d1, d1);
    acc2 = vfmaq_f32(acc2, d2, d2);
    acc3 = vfmaq_f32(acc3, d3, d3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  for (; i + 4 <= n; i += 4) {
    float32x4_t d = vsubq_f32(load_f16x4(a + i), load_f16x4(b + i));
    acc0 = vfmaq_f32(acc0, d, d);
  }
  return l2_squared_f16_tail(a, b, i, n, vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3))));
}

template <bool kAhead>
float dot_f16_impl(const std::uint16_t* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16, std::uint16_t>(ahead, i);
    acc0 = vfmaq_f32(acc0, load_f16x4(a + i), load_f16x4(b + i));
    acc1 = vfmaq_f32(acc1, load_f16x4(a + i + 4), load_f16x4(b + i + 4));
    acc2 = vfmaq_f32(acc2, load_f16x4(a + i + 8), load_f16x4(b + i + 8));
    acc3 = vfmaq_f32(acc3, load_f16x4(a + i + 12), load_f16x4(b + i + 12));
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  for (; i + 4 <= n; i += 4) acc0 = vfmaq_f32(acc0, load_f16x4(a + i), load_f16x4(b + i));
  return dot_f16_tail(a, b, i, n, vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3))));
}

// FCVTN rounds by FPCR, which is round to nearest even unless a program changes it; it quiets NaNs and keeps their
// top payload bits, as float_to_f16 does (space/kernels-inl.h).
void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1_u16(out + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(in + i))));
  for (; i < n; ++i) out[i] = float_to_f16(in[i]);
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, load_f16x4(in + i));
  for (; i < n; ++i) out[i] = f16_to_float(in[i]);
}

template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  prefetch_rest<kAhead, std::int8_t>(ahead, 0, n);
  return dot_i8_tail(a, b, 0, n, 0);
}

}  // namespace
}  // namespace neon

const KernelSet kNeonKernels = neon::kernel_set(SimdLevel::kNeon, "neon");

}  // namespace hnswkit
