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

template <bool kAhead>
float l2_squared_f16_impl(const std::uint16_t* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_step<kAhead, 8, std::uint16_t>(ahead, i);
    const __m128i halves_a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    __m128 d0 = _mm_sub_ps(f16x4_to_float(halves_a), f16x4_to_float(halves));
    __m128 d1 = _mm_sub_ps(f16x4_to_float(_mm_unpackhi_epi64(halves_a, halves_a)),
                           f16x4_to_float(_mm_unpackhi_epi64(halves, halves)));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  if (i + 4 <= n) {
    __m128 d = _mm_sub_ps(load_f16x4(a + i), load_f16x4(b + i));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d, d));
    i += 4;
  }
  return l2_squared_f16_tail(a, b, i, n, horizontal_sum(_mm_add_ps(acc0, acc1)));
}

template <bool kAhead>
float dot_f16_impl(const std::uint16_t* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_step<kAhead, 8, std::uint16_t>(ahead, i);
    const __m128i halves_a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(f16x4_to_float(halves_a), f16x4_to_float(halves)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(f16x4_to_float(_mm_unpackhi_epi64(halves_a, halves_a)),
                                       f16x4_to_float(_mm_unpackhi_epi64(halves, halves))));
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  if (i + 4 <= n) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(load_f16x4(a + i), load_f16x4(b + i)));
    i += 4;
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

template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  prefetch_rest<kAhead, std::int8_t>(ahead, 0, n);
  return dot_i8_tail(a, b, 0, n, 0);
}

}  // namespace
}  // namespace sse

const KernelSet kSseKernels = sse::kernel_set(SimdLevel::kSse, "sse");

}  // namespace hnswkit
