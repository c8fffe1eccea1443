// AVX-512 kernels (F, BW and VL, which space/dispatch.cc requires of this level): sixteen floats per instruction,
// and a masked load for the tail instead of a scalar loop; f16 values are widened and narrowed sixteen at a time
// (VCVTPH2PS and VCVTPS2PH), i8 vectors widened to int16 32 bytes at a time and multiplied with VPMADDWD.
//
// This file also defines the avx512vnni level's table: these float32 and f16 kernels, and the i8 kernels on VPDPBUSD
// of space/kernels_avx512_vnni.cc, the one file compiled with AVX-512 VNNI.
#include <immintrin.h>

#define HNSWKIT_KERNEL_NS avx512
#include "space/kernels-inl.h"

namespace hnswkit {
namespace avx512 {
namespace {

// Four independent accumulator chains: an FMA's result is ready only after ~4 cycles, so one chain would leave the
// two FMA units idle most of the time.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64>(ahead, i);
    __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
    __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
    acc0 = _mm512_fmadd_ps(d0, d0, acc0);
    acc1 = _mm512_fmadd_ps(d1, d1, acc1);
    acc2 = _mm512_fmadd_ps(d2, d2, acc2);
    acc3 = _mm512_fmadd_ps(d3, d3, acc3);
  }
  prefetch_rest<kAhead>(ahead, i, n);
  acc0 = _mm512_add_ps(acc0, acc2);
  acc1 = _mm512_add_ps(acc1, acc3);
  for (; i + 32 <= n; i += 32) {
    __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    acc0 = _mm512_fmadd_ps(d0, d0, acc0);
    acc1 = _mm512_fmadd_ps(d1, d1, acc1);
  }
  if (i + 16 <= n) {
    __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    acc0 = _mm512_fmadd_ps(d, d, acc0);
    i += 16;
  }
  if (i < n) {
    // Masked-off lanes are neither read nor able to fault, so the tail never reads past either vector.
    const __mmask16 mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
    __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i));
    acc1 = _mm512_fmadd_ps(d, d, acc1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64>(ahead, i);
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
    acc2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), acc2);
    acc3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), acc3);
  }
  prefetch_rest<kAhead>(ahead, i, n);
  acc0 = _mm512_add_ps(acc0, acc2);
  acc1 = _mm512_add_ps(acc1, acc3);
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
  }
  if (i + 16 <= n) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    i += 16;
  }
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
    acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i), acc1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

inline __m512 load_f16x16(const std::uint16_t* p) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// The last `remaining` (< 16) f16 values, zero-padded by a masked 16-bit load (AVX-512BW and VL): masked-off lanes
// are neither read nor able to fault, so nothing past the vector is read.
inline __m512 load_f16_tail(const std::uint16_t* p, std::size_t remaining) {
  const __mmask16 mask = static_cast<__mmask16>((1u << remaining) - 1u);
  return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, p));
}

// Sixteen values as floats, or the last `remaining` (< 16) zero-padded: float32 as they are, f16 widened. The f16
// kernels load their float32 operand and their f16 one alike.
inline __m512 load_x16(const float* p) { return _mm512_loadu_ps(p); }
inline __m512 load_x16(const std::uint16_t* p) { return load_f16x16(p); }
inline __m512 load_tail(const float* p, std::size_t remaining) {
  return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << remaining) - 1u), p);
}
inline __m512 load_tail(const std::uint16_t* p, std::size_t remaining) { return load_f16_tail(p, remaining); }

// As l2_squared_impl: the same chains; a step of 64 f16 values is two cache lines.
template <bool kAhead>
float l2_squared_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::uint16_t>(ahead, i);
    __m512 d0 = _mm512_sub_ps(load_x16(a + i), load_x16(b + i));
    __m512 d1 = _mm512_sub_ps(load_x16(a + i + 16), load_x16(b + i + 16));
    __m512 d2 = _mm512_sub_ps(load_x16(a + i + 32), load_x16(b + i + 32));
    __m512 d3 = _mm512_sub_ps(load_x16(a + i + 48), load_x16(b + i + 48));
    acc0 = _mm512_fmadd_ps(d0, d0, acc0);
    acc1 = _mm512_fmadd_ps(d1, d1, acc1);
    acc2 = _mm512_fmadd_ps(d2, d2, acc2);
    acc3 = _mm512_fmadd_ps(d3, d3, acc3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  acc0 = _mm512_add_ps(acc0, acc2);
  acc1 = _mm512_add_ps(acc1, acc3);
  for (; i + 16 <= n; i += 16) {
    __m512 d = _mm512_sub_ps(load_x16(a + i), load_x16(b + i));
    acc0 = _mm512_fmadd_ps(d, d, acc0);
  }
  if (i < n) {
    __m512 d = _mm512_sub_ps(load_tail(a + i, n - i), load_tail(b + i, n - i));
    acc1 = _mm512_fmadd_ps(d, d, acc1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

template <bool kAhead>
float dot_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::uint16_t>(ahead, i);
    acc0 = _mm512_fmadd_ps(load_x16(a + i), load_x16(b + i), acc0);
    acc1 = _mm512_fmadd_ps(load_x16(a + i + 16), load_x16(b + i + 16), acc1);
    acc2 = _mm512_fmadd_ps(load_x16(a + i + 32), load_x16(b + i + 32), acc2);
    acc3 = _mm512_fmadd_ps(load_x16(a + i + 48), load_x16(b + i + 48), acc3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  acc0 = _mm512_add_ps(acc0, acc2);
  acc1 = _mm512_add_ps(acc1, acc3);
  for (; i + 16 <= n; i += 16) acc0 = _mm512_fmadd_ps(load_x16(a + i), load_x16(b + i), acc0);
  if (i < n) acc1 = _mm512_fmadd_ps(load_tail(a + i, n - i), load_tail(b + i, n - i), acc1);
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

// Round to nearest even whatever MXCSR says; NaNs as float_to_f16 (see kernels_avx2.cc).
void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                        _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  for (; i < n; ++i) out[i] = float_to_f16(in[i]);
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, load_f16x16(in + i));
  for (; i < n; ++i) out[i] = f16_to_float(in[i]);
}

// 32 signed bytes sign-extended to 32 int16 lanes (VPMOVSXBW); the masked form zeroes the lanes past `remaining`
// (< 32) without reading their bytes.
inline __m512i load_i8x32(const std::int8_t* p) {
  return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline __m512i load_i8_tail(const std::int8_t* p, std::size_t remaining) {
  return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(static_cast<__mmask32>((1u << remaining) - 1u), p));
}

// The 32 products of two widened vectors, summed in pairs into sixteen int32 lanes by VPMADDWD: exact, as in
// kernels_sse.cc (a pair of byte products is at most 2^15 in magnitude). A step of 128 bytes is two cache lines;
// the multiplies are independent, and two chains of one-cycle integer adds keep up with them. Every partial sum is
// a sum of some of the n products, so within +-2^30.
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    prefetch_step<kAhead, 128, std::int8_t>(ahead, i);
    acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(load_i8x32(a + i), load_i8x32(b + i)));
    acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(load_i8x32(a + i + 32), load_i8x32(b + i + 32)));
    acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(load_i8x32(a + i + 64), load_i8x32(b + i + 64)));
    acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(load_i8x32(a + i + 96), load_i8x32(b + i + 96)));
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  for (; i + 32 <= n; i += 32) acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(load_i8x32(a + i), load_i8x32(b + i)));
  if (i < n) {
    acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(load_i8_tail(a + i, n - i), load_i8_tail(b + i, n - i)));
  }
  return _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1));
}

}  // namespace
}  // namespace avx512

const KernelSet kAvx512Kernels = avx512::kernel_set(SimdLevel::kAvx512, "avx512");
const KernelSet kAvx512VnniKernels = avx512::kernel_set(SimdLevel::kAvx512Vnni, "avx512vnni", avx512_vnni::dot_i8,
                                                        avx512_vnni::dot_i8_ahead);

}  // namespace hnswkit
