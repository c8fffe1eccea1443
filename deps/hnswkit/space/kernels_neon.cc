// NEON kernels: the arm64 baseline, four floats per instruction with fused multiply-add; f16 values are widened and
// narrowed four at a time (FCVTL and FCVTN are baseline AArch64), i8 vectors multiplied eight bytes at a time into
// int16 products (SMULL) that are added in pairs into int32 lanes (SADALP).
//
// This file also defines the neondot level's table: these float32 and f16 kernels, and the i8 kernels on SDOT of
// space/kernels_neon_dot.cc, the one file compiled with the Armv8.2 dot-product instructions.
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

// Lanes [4 - remaining, 4) set, for remaining in [1, 4]: the f16 tails read the last four values of each vector,
// of which only the last n - i are new, and clear the other lanes after the arithmetic (so not even an infinity
// minus itself gets through); nothing past a vector is read.
inline uint32x4_t last_lanes(std::size_t remaining) {
  static const std::uint32_t kLanes[8] = {0, 0, 0, 0, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
  return vld1q_u32(kLanes + remaining);
}

inline float32x4_t and_lanes(float32x4_t v, uint32x4_t mask) {
  return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), mask));
}

// Four values as floats: float32 as they are, f16 widened. The f16 kernels load their float32 operand and
// their f16 one alike.
inline float32x4_t load_x4(const float* p) { return vld1q_f32(p); }
inline float32x4_t load_x4(const std::uint16_t* p) { return load_f16x4(p); }

// As l2_squared_impl: the same chains; a step of 16 f16 values is half a cache line.
template <bool kAhead>
float l2_squared_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16, std::uint16_t>(ahead, i);
    float32x4_t d0 = vsubq_f32(load_x4(a + i), load_x4(b + i));
    float32x4_t d1 = vsubq_f32(load_x4(a + i + 4), load_x4(b + i + 4));
    float32x4_t d2 = vsubq_f32(load_x4(a + i + 8), load_x4(b + i + 8));
    float32x4_t d3 = vsubq_f32(load_x4(a + i + 12), load_x4(b + i + 12));
    acc0 = vfmaq_f32(acc0, d0, d0);
    acc1 = vfmaq_f32(acc1, d1, d1);
    acc2 = vfmaq_f32(acc2, d2, d2);
    acc3 = vfmaq_f32(acc3, d3, d3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  for (; i + 4 <= n; i += 4) {
    float32x4_t d = vsubq_f32(load_x4(a + i), load_x4(b + i));
    acc0 = vfmaq_f32(acc0, d, d);
  }
  if (i < n && n >= 4) {
    const float32x4_t d = and_lanes(vsubq_f32(load_x4(a + n - 4), load_x4(b + n - 4)), last_lanes(n - i));
    acc1 = vfmaq_f32(acc1, d, d);
    i = n;
  }
  return l2_squared_f16_tail(a, b, i, n, vaddvq_f32(vaddq_f32(vaddq_f32(acc0, acc1), vaddq_f32(acc2, acc3))));
}

template <bool kAhead>
float dot_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f), acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16, std::uint16_t>(ahead, i);
    acc0 = vfmaq_f32(acc0, load_x4(a + i), load_x4(b + i));
    acc1 = vfmaq_f32(acc1, load_x4(a + i + 4), load_x4(b + i + 4));
    acc2 = vfmaq_f32(acc2, load_x4(a + i + 8), load_x4(b + i + 8));
    acc3 = vfmaq_f32(acc3, load_x4(a + i + 12), load_x4(b + i + 12));
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  for (; i + 4 <= n; i += 4) acc0 = vfmaq_f32(acc0, load_x4(a + i), load_x4(b + i));
  if (i < n && n >= 4) {
    const float32x4_t products = vmulq_f32(load_x4(a + n - 4), load_x4(b + n - 4));
    acc1 = vaddq_f32(acc1, and_lanes(products, last_lanes(n - i)));
    i = n;
  }
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

// acc plus the sixteen products a[k] * b[k], added in pairs into its four lanes. A byte product fits int16
// (at most 128 * 128 = 2^14), but two of them may not, so each SMULL result goes straight into SADALP, which widens
// as it adds pairs.
inline int32x4_t dot_i8x16(int32x4_t acc, int8x16_t a, int8x16_t b) {
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
  return vpadalq_s16(acc, vmull_high_s8(a, b));
}

#include "space/kernels_neon_i8-inl.h"

template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  return dot_i8_steps<kAhead>(a, b, n, ahead,
                              [](int32x4_t acc, int8x16_t x, int8x16_t y) { return dot_i8x16(acc, x, y); });
}

}  // namespace
}  // namespace neon

const KernelSet kNeonKernels = neon::kernel_set(SimdLevel::kNeon, "neon");
#ifdef HNSWKIT_NEON_DOT_KERNELS
const KernelSet kNeonDotKernels = neon::kernel_set(SimdLevel::kNeonDot, "neondot", neon_dot::dot_i8,
                                                   neon_dot::dot_i8_ahead);
#endif

}  // namespace hnswkit
