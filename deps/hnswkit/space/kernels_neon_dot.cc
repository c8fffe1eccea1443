// The neondot level's i8 kernels: the exact dot product of two int8 vectors on SDOT (the Armv8.2 dot-product
// instructions), and nothing else. The level's table is the neon set's float32 and f16 kernels with these two entry
// points (space/kernels_neon.cc), so the only code compiled with the dot product is this file's.
#include <arm_neon.h>

#ifndef __ARM_FEATURE_DOTPROD
#error "space/kernels_neon_dot.cc needs the dot-product instructions enabled (-march=armv8.2-a+dotprod, CMakeLists.txt)"
#endif
#define HNSWKIT_KERNEL_NS neon_dot
#define HNSWKIT_KERNEL_I8_ONLY 1
#include "space/kernels-inl.h"

namespace hnswkit {
namespace neon_dot {
namespace {

// Bytes [16 - remaining, 16) set, for remaining in [1, 16]: the tail reads the last sixteen bytes of each vector and
// zeroes those of a that were counted already, so their products vanish and nothing past either vector is read.
inline int8x16_t last_bytes(std::size_t remaining) {
  static const std::uint8_t kBytes[32] = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  return vreinterpretq_s8_u8(vld1q_u8(kBytes + remaining));
}

// SDOT adds to each int32 lane the four products of the signed bytes in the same places of a and b: exact, at most
// 4 * 2^14 per lane per instruction. Four accumulator chains over a step of 64 bytes, one cache line, as the neon
// set's i8 kernel. Every partial sum is a sum of some of the n products, so within +-2^30 for n <= kMaxI8Elements.
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0), acc2 = vdupq_n_s32(0), acc3 = vdupq_n_s32(0);
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::int8_t>(ahead, i);
    acc0 = vdotq_s32(acc0, vld1q_s8(a + i), vld1q_s8(b + i));
    acc1 = vdotq_s32(acc1, vld1q_s8(a + i + 16), vld1q_s8(b + i + 16));
    acc2 = vdotq_s32(acc2, vld1q_s8(a + i + 32), vld1q_s8(b + i + 32));
    acc3 = vdotq_s32(acc3, vld1q_s8(a + i + 48), vld1q_s8(b + i + 48));
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  for (; i + 16 <= n; i += 16) acc0 = vdotq_s32(acc0, vld1q_s8(a + i), vld1q_s8(b + i));
  if (i < n && n >= 16) {
    acc1 = vdotq_s32(acc1, vandq_s8(vld1q_s8(a + n - 16), last_bytes(n - i)), vld1q_s8(b + n - 16));
    i = n;
  }
  return dot_i8_tail(a, b, i, n, vaddvq_s32(vaddq_s32(vaddq_s32(acc0, acc1), vaddq_s32(acc2, acc3))));
}

}  // namespace
}  // namespace neon_dot
}  // namespace hnswkit
