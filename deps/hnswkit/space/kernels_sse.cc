// SSE kernels: the x86-64 baseline (every x86-64 CPU has SSE2), four floats or sixteen bytes per instruction.
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

// Four f16 values (the low 64 bits of `halves`) widened to floats with SSE2, as f16_to_float does
// (space/kernels-inl.h): baseline x86-64 has no F16C. The f16 magnitude shifted into place is rebiased by one
// integer add: 112 << 23 for normals, twice that for infinities and NaNs (the float's all-ones exponent), and for
// subnormals 113 << 23, which gives 2^-14 * (1 + m / 1024), from which 2^-14 is then subtracted. Every other lane
// subtracts +0, which leaves it as it is and quiets a NaN, as f16_to_float does. Both operands and the result of
// the subtraction are normal floats, so it is exact, and the denormal flags and the slow denormal path play no part.
inline __m128 f16x4_to_float(__m128i halves) {
  const __m128i high = _mm_unpacklo_epi16(_mm_setzero_si128(), halves);  // h << 16
  const __m128i sign = _mm_and_si128(high, _mm_set1_epi32(static_cast<int>(0x80000000u)));
  const __m128i shifted = _mm_srli_epi32(_mm_xor_si128(high, sign), 3);  // (h & 0x7FFF) << 13
  const __m128i special = _mm_cmpgt_epi32(shifted, _mm_set1_epi32(0x0F7FFFFF));
  const __m128i tiny = _mm_cmplt_epi32(shifted, _mm_set1_epi32(0x00800000));
  __m128i bias = _mm_add_epi32(_mm_set1_epi32(112 << 23), _mm_and_si128(special, _mm_set1_epi32(112 << 23)));
  bias = _mm_add_epi32(bias, _mm_and_si128(tiny, _mm_set1_epi32(1 << 23)));
  const __m128 smallest_normal = _mm_and_ps(_mm_castsi128_ps(tiny), _mm_castsi128_ps(_mm_set1_epi32(113 << 23)));
  const __m128 value = _mm_sub_ps(_mm_castsi128_ps(_mm_add_epi32(shifted, bias)), smallest_normal);
  return _mm_or_ps(value, _mm_castsi128_ps(sign));
}

inline __m128 load_f16x4(const std::uint16_t* p) {
  return f16x4_to_float(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// Lanes [4 - remaining, 4) set, for remaining in [1, 4]: the lanes of a vector's last four values that its main
// loop did not reach.
inline __m128 last_lanes(std::size_t remaining) {
  static const std::int32_t kLanes[8] = {0, 0, 0, 0, -1, -1, -1, -1};
  return _mm_castsi128_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kLanes + remaining)));
}

// Four values, or eight as two vectors of four, as floats: float32 as they are, f16 widened (eight with one load).
// The f16 kernels load their float32 operand and their f16 one alike.
inline __m128 load_x4(const float* p) { return _mm_loadu_ps(p); }
inline __m128 load_x4(const std::uint16_t* p) { return load_f16x4(p); }
inline void load_x8(const float* p, __m128& low, __m128& high) {
  low = _mm_loadu_ps(p);
  high = _mm_loadu_ps(p + 4);
}
inline void load_x8(const std::uint16_t* p, __m128& low, __m128& high) {
  const __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  low = f16x4_to_float(halves);
  high = f16x4_to_float(_mm_unpackhi_epi64(halves, halves));
}

template <bool kAhead>
float l2_squared_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_step<kAhead, 8, std::uint16_t>(ahead, i);
    __m128 a0, a1, b0, b1;
    load_x8(a + i, a0, a1);
    load_x8(b + i, b0, b1);
    __m128 d0 = _mm_sub_ps(a0, b0), d1 = _mm_sub_ps(a1, b1);
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  if (i + 4 <= n) {
    __m128 d = _mm_sub_ps(load_x4(a + i), load_x4(b + i));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d, d));
    i += 4;
  }
  if (i < n && n >= 4) {
    // The last four values of each vector, of which only the last n - i are new: the others' lanes are cleared
    // after the subtraction (so not even an infinity minus itself gets through) and nothing past a vector is read.
    const __m128 d = _mm_and_ps(_mm_sub_ps(load_x4(a + n - 4), load_x4(b + n - 4)), last_lanes(n - i));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d, d));
    i = n;
  }
  return l2_squared_f16_tail(a, b, i, n, horizontal_sum(_mm_add_ps(acc0, acc1)));
}

template <bool kAhead>
float dot_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_step<kAhead, 8, std::uint16_t>(ahead, i);
    __m128 a0, a1, b0, b1;
    load_x8(a + i, a0, a1);
    load_x8(b + i, b0, b1);
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(a0, b0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(a1, b1));
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  if (i + 4 <= n) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(load_x4(a + i), load_x4(b + i)));
    i += 4;
  }
  if (i < n && n >= 4) {
    const __m128 products = _mm_mul_ps(load_x4(a + n - 4), load_x4(b + n - 4));
    acc1 = _mm_add_ps(acc1, _mm_and_ps(products, last_lanes(n - i)));
    i = n;
  }
  return dot_f16_tail(a, b, i, n, horizontal_sum(_mm_add_ps(acc0, acc1)));
}

// Narrowing stays scalar: it runs once per stored vector, not once per distance, and its rounding cases are many.
void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = float_to_f16(in[i]);
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(out + i, load_f16x4(in + i));
  for (; i < n; ++i) out[i] = f16_to_float(in[i]);
}

inline __m128i load_i8x16(const std::int8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

// The sixteen products a[k] * b[k], summed in pairs into four int32 lanes. SSE2 has no byte multiply and no
// sign extension (PMOVSXBW is SSE4.1), so each vector is split into its odd bytes, which an arithmetic shift right
// by 8 sign-extends in place, and its even bytes, shifted up first; PMADDWD then multiplies the int16 values and
// adds neighbouring products. A sum of two products is at most 2 * 128 * 128 = 2^15 in magnitude, and PMADDWD only
// overflows when all four of its inputs are -32768, which no widened byte is: every lane is exact.
inline __m128i dot_i8x16(__m128i a, __m128i b) {
  const __m128i odd = _mm_madd_epi16(_mm_srai_epi16(a, 8), _mm_srai_epi16(b, 8));
  const __m128i even = _mm_madd_epi16(_mm_srai_epi16(_mm_slli_epi16(a, 8), 8), _mm_srai_epi16(_mm_slli_epi16(b, 8), 8));
  return _mm_add_epi32(odd, even);
}

inline std::int32_t horizontal_sum_i32(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(v);
}

// Bytes [16 - remaining, 16) set, for remaining in [1, 16].
inline __m128i last_bytes(std::size_t remaining) {
  static const std::uint8_t kBytes[32] = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(kBytes + remaining));
}

// Every partial sum is a sum of some of the n products, so within +-2^30 for n <= kMaxI8Elements: no lane can
// overflow, and the order of the adds does not change the result.
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  __m128i acc0 = _mm_setzero_si128(), acc1 = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_step<kAhead, 32, std::int8_t>(ahead, i);
    acc0 = _mm_add_epi32(acc0, dot_i8x16(load_i8x16(a + i), load_i8x16(b + i)));
    acc1 = _mm_add_epi32(acc1, dot_i8x16(load_i8x16(a + i + 16), load_i8x16(b + i + 16)));
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  if (i + 16 <= n) {
    acc0 = _mm_add_epi32(acc0, dot_i8x16(load_i8x16(a + i), load_i8x16(b + i)));
    i += 16;
  }
  if (i < n && n >= 16) {
    // The last sixteen bytes of each vector, with those of a that were counted already zeroed: their products
    // vanish, and nothing past either vector is read.
    const __m128i tail_a = _mm_and_si128(load_i8x16(a + n - 16), last_bytes(n - i));
    acc1 = _mm_add_epi32(acc1, dot_i8x16(tail_a, load_i8x16(b + n - 16)));
    i = n;
  }
  if (i + 8 <= n) {
    // A vector of 8 to 15 bytes (i is 0): its first eight from 64-bit loads, which zero the upper eight bytes, so
    // their products vanish; the scalar tail does the rest.
    acc0 = _mm_add_epi32(acc0, dot_i8x16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)),
                                         _mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i))));
    i += 8;
  }
  return dot_i8_tail(a, b, i, n, horizontal_sum_i32(_mm_add_epi32(acc0, acc1)));
}

}  // namespace
}  // namespace sse

const KernelSet kSseKernels = sse::kernel_set(SimdLevel::kSse, "sse");

}  // namespace hnswkit
