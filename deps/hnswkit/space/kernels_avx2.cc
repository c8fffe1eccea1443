// AVX2 + FMA kernels: eight floats per instruction, four fused multiply-add chains to hide latency; F16C (which
// space/dispatch.cc requires of this level) widens and narrows f16 values eight at a time, and i8 vectors are
// widened to int16 sixteen bytes at a time and multiplied with VPMADDWD.
#include <immintrin.h>

#include <cstring>

#define HNSWKIT_KERNEL_NS avx2
#include "space/kernels-inl.h"

namespace hnswkit {
namespace avx2 {
namespace {

inline float horizontal_sum(__m256 v) {
  __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  __m128 shuffled = _mm_movehdup_ps(lo);
  __m128 sums = _mm_add_ps(lo, shuffled);
  shuffled = _mm_movehl_ps(shuffled, sums);
  return _mm_cvtss_f32(_mm_add_ss(sums, shuffled));
}

// Lanes [0, remaining) set: the tail is read with a masked load, which never touches memory past the vector.
inline __m256i tail_mask(std::size_t remaining) {
  static const int kLanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kLanes + 8 - remaining));
}

// Lanes [8 - remaining, 8) set, for remaining in [1, 8].
inline __m256i last_lanes_mask(std::size_t remaining) {
  static const int kLanes[16] = {0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kLanes + remaining));
}

// Four independent accumulator chains hide the FMA latency (see kernels_avx512.cc).
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_step<kAhead, 32>(ahead, i);
    __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
    acc0 = _mm256_fmadd_ps(d0, d0, acc0);
    acc1 = _mm256_fmadd_ps(d1, d1, acc1);
    acc2 = _mm256_fmadd_ps(d2, d2, acc2);
    acc3 = _mm256_fmadd_ps(d3, d3, acc3);
  }
  prefetch_rest<kAhead>(ahead, i, n);
  acc0 = _mm256_add_ps(acc0, acc2);
  acc1 = _mm256_add_ps(acc1, acc3);
  for (; i + 16 <= n; i += 16) {
    __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    acc0 = _mm256_fmadd_ps(d0, d0, acc0);
    acc1 = _mm256_fmadd_ps(d1, d1, acc1);
  }
  if (i + 8 <= n) {
    __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    acc0 = _mm256_fmadd_ps(d, d, acc0);
    i += 8;
  }
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    __m256 d = _mm256_sub_ps(_mm256_maskload_ps(a + i, mask), _mm256_maskload_ps(b + i, mask));
    acc1 = _mm256_fmadd_ps(d, d, acc1);
  }
  return horizontal_sum(_mm256_add_ps(acc0, acc1));
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_step<kAhead, 32>(ahead, i);
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
  }
  prefetch_rest<kAhead>(ahead, i, n);
  acc0 = _mm256_add_ps(acc0, acc2);
  acc1 = _mm256_add_ps(acc1, acc3);
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  if (i + 8 <= n) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    i += 8;
  }
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    acc1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + i, mask), _mm256_maskload_ps(b + i, mask), acc1);
  }
  return horizontal_sum(_mm256_add_ps(acc0, acc1));
}

inline __m256 load_f16x8(const std::uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// A whole vector of n < 8 f16 values, zero-padded: copied first, so nothing past it is read.
inline __m256 load_f16_short(const std::uint16_t* p, std::size_t n) {
  std::uint16_t padded[8] = {};
  std::memcpy(padded, p, n * sizeof(std::uint16_t));
  return load_f16x8(padded);
}

// The f16 tails read the last eight values of each vector, of which only the last n - i (< 8) are new, and clear
// the other lanes after the arithmetic (so not even an infinity minus itself gets through); a vector shorter than
// eight values is copied instead.
inline __m256 last_lanes(std::size_t remaining) { return _mm256_castsi256_ps(last_lanes_mask(remaining)); }

// Eight values as floats, or a whole vector of n < 8 zero-padded: float32 as they are, f16 widened. The f16
// kernels load their float32 operand and their f16 one alike.
inline __m256 load_x8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load_x8(const std::uint16_t* p) { return load_f16x8(p); }
inline __m256 load_short(const float* p, std::size_t n) {
  float padded[8] = {};
  std::memcpy(padded, p, n * sizeof(float));
  return _mm256_loadu_ps(padded);
}
inline __m256 load_short(const std::uint16_t* p, std::size_t n) { return load_f16_short(p, n); }

// As l2_squared_impl: the same chains and steps; a step of 32 f16 values is one cache line.
template <bool kAhead>
float l2_squared_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_step<kAhead, 32, std::uint16_t>(ahead, i);
    __m256 d0 = _mm256_sub_ps(load_x8(a + i), load_x8(b + i));
    __m256 d1 = _mm256_sub_ps(load_x8(a + i + 8), load_x8(b + i + 8));
    __m256 d2 = _mm256_sub_ps(load_x8(a + i + 16), load_x8(b + i + 16));
    __m256 d3 = _mm256_sub_ps(load_x8(a + i + 24), load_x8(b + i + 24));
    acc0 = _mm256_fmadd_ps(d0, d0, acc0);
    acc1 = _mm256_fmadd_ps(d1, d1, acc1);
    acc2 = _mm256_fmadd_ps(d2, d2, acc2);
    acc3 = _mm256_fmadd_ps(d3, d3, acc3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  acc0 = _mm256_add_ps(acc0, acc2);
  acc1 = _mm256_add_ps(acc1, acc3);
  for (; i + 8 <= n; i += 8) {
    __m256 d = _mm256_sub_ps(load_x8(a + i), load_x8(b + i));
    acc0 = _mm256_fmadd_ps(d, d, acc0);
  }
  if (i < n && n >= 8) {
    const __m256 d = _mm256_and_ps(_mm256_sub_ps(load_x8(a + n - 8), load_x8(b + n - 8)), last_lanes(n - i));
    acc1 = _mm256_fmadd_ps(d, d, acc1);
  } else if (i < n) {
    const __m256 d = _mm256_sub_ps(load_short(a, n), load_short(b, n));
    acc1 = _mm256_fmadd_ps(d, d, acc1);
  }
  return horizontal_sum(_mm256_add_ps(acc0, acc1));
}

template <bool kAhead>
float dot_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_step<kAhead, 32, std::uint16_t>(ahead, i);
    acc0 = _mm256_fmadd_ps(load_x8(a + i), load_x8(b + i), acc0);
    acc1 = _mm256_fmadd_ps(load_x8(a + i + 8), load_x8(b + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(load_x8(a + i + 16), load_x8(b + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(load_x8(a + i + 24), load_x8(b + i + 24), acc3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  acc0 = _mm256_add_ps(acc0, acc2);
  acc1 = _mm256_add_ps(acc1, acc3);
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(load_x8(a + i), load_x8(b + i), acc0);
  if (i < n && n >= 8) {
    const __m256 products = _mm256_mul_ps(load_x8(a + n - 8), load_x8(b + n - 8));
    acc1 = _mm256_add_ps(acc1, _mm256_and_ps(products, last_lanes(n - i)));
  } else if (i < n) {
    acc1 = _mm256_fmadd_ps(load_short(a, n), load_short(b, n), acc1);
  }
  return horizontal_sum(_mm256_add_ps(acc0, acc1));
}

// VCVTPS2PH with an explicit round-to-nearest-even ignores MXCSR's rounding field; it quiets NaNs and keeps their
// top payload bits, as float_to_f16 does (space/kernels-inl.h), so every set narrows to the same bits.
void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  for (; i < n; ++i) out[i] = float_to_f16(in[i]);
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, load_f16x8(in + i));
  for (; i < n; ++i) out[i] = f16_to_float(in[i]);
}

// Sixteen signed bytes sign-extended to sixteen int16 lanes (VPMOVSXBW).
inline __m256i load_i8x16(const std::int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// The sixteen products of two widened vectors, summed in pairs into eight int32 lanes by VPMADDWD: exact, as in
// kernels_sse.cc (a pair of byte products is at most 2^15 in magnitude).
inline __m256i dot_i16x16(__m256i a, __m256i b) { return _mm256_madd_epi16(a, b); }

inline std::int32_t horizontal_sum_i32(__m256i v) {
  __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(sum);
}

// Bytes [16 - remaining, 16) set, for remaining in [1, 16].
inline __m128i last_bytes(std::size_t remaining) {
  static const std::uint8_t kBytes[32] = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(kBytes + remaining));
}

// A step of 64 bytes is one cache line; the integer adds have a latency of one cycle, so two chains keep up with
// the widening, which is the bottleneck. Every partial sum is a sum of some of the n products, so within +-2^30.
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::int8_t>(ahead, i);
    acc0 = _mm256_add_epi32(acc0, dot_i16x16(load_i8x16(a + i), load_i8x16(b + i)));
    acc1 = _mm256_add_epi32(acc1, dot_i16x16(load_i8x16(a + i + 16), load_i8x16(b + i + 16)));
    acc0 = _mm256_add_epi32(acc0, dot_i16x16(load_i8x16(a + i + 32), load_i8x16(b + i + 32)));
    acc1 = _mm256_add_epi32(acc1, dot_i16x16(load_i8x16(a + i + 48), load_i8x16(b + i + 48)));
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  for (; i + 16 <= n; i += 16) acc0 = _mm256_add_epi32(acc0, dot_i16x16(load_i8x16(a + i), load_i8x16(b + i)));
  if (i < n && n >= 16) {
    // The last sixteen bytes of each vector, with those of a that were counted already zeroed: their products
    // vanish, and nothing past either vector is read.
    const __m128i tail_a = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + n - 16)),
                                         last_bytes(n - i));
    acc1 = _mm256_add_epi32(acc1, dot_i16x16(_mm256_cvtepi8_epi16(tail_a), load_i8x16(b + n - 16)));
    i = n;
  }
  return dot_i8_tail(a, b, i, n, horizontal_sum_i32(_mm256_add_epi32(acc0, acc1)));
}

}  // namespace
}  // namespace avx2

const KernelSet kAvx2Kernels = avx2::kernel_set(SimdLevel::kAvx2, "avx2");

}  // namespace hnswkit
