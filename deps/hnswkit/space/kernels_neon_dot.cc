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

#include "space/kernels_neon_i8-inl.h"

// SDOT adds to each int32 lane the four products of the signed bytes in the same places of a and b: exact, at most
// 4 * 2^14 per lane per instruction.
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  return dot_i8_steps<kAhead>(a, b, n, ahead,
                              [](int32x4_t acc, int8x16_t x, int8x16_t y) { return vdotq_s32(acc, x, y); });
}

}  // namespace
}  // namespace neon_dot
}  // namespace hnswkit
