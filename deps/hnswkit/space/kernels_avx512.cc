// AVX-512 kernels (F, BW and VL, which space/dispatch.cc requires of this level): sixteen floats per instruction,
// and a masked load for the tail instead of a scalar loop; f16 values are widened and narrowed sixteen at a time
// (VCVTPH2PS and VCVTPS2PH), i8 vectors widened to int16 32 bytes at a time and multiplied with VPMADDWD.
//
// space/kernels_avx512_vnni.cc defines HNSWKIT_AVX512_VNNI and includes this file, which then compiles, with
// AVX-512 VNNI enabled, as the avx512vnni set: the same float32 and f16 kernels, and an i8 kernel on VPDPBUSD.
#include <immintrin.h>

#ifdef HNSWKIT_AVX512_VNNI
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__AVX512VNNI__)
#error "space/kernels_avx512_vnni.cc needs -mavx512vnni (CMakeLists.txt)"
#endif
#define HNSWKIT_KERNEL_NS avx512_vnni
#else
#define HNSWKIT_KERNEL_NS avx512
#endif
#include "space/kernels-inl.h"

namespace hnswkit {
namespace HNSWKIT_KERNEL_NS {
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

#ifndef HNSWKIT_AVX512_VNNI
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
#else
// VPDPBUSD adds to each int32 lane the four products of an unsigned byte of its first operand and a signed byte of
// its second. With a' = a XOR 0x80 = a + 128 (as an unsigned byte, 0..255):
//   sum a[k] * b[k] = sum a'[k] * b[k] - 128 * sum b[k],
// and the second sum is VPDPBUSD of a vector of 128s against b, in a second accumulator. Exactness, n <= 65536: an
// int32 lane of either accumulator gathers the products of at most n / 16 = 4096 element pairs, each at most
// 255 * 128 in magnitude, so within +-4096 * 32640 < 2^27; the lane-wise differences are sums of true products,
// within +-2^26, and the final sum of all lanes is the dot product itself, within +-2^30. Nothing comes near 2^31,
// and VPDPBUSD (unlike VPDPBUSDS) never saturates, so every step is plain int32 arithmetic. Masked-off tail bytes
// load as 0: their a' is 128, but times b = 0 they add nothing to either accumulator.
inline __m512i load_i8x64(const std::int8_t* p) { return _mm512_loadu_si512(p); }

// b feeds two VPDPBUSDs; GCC would fold its load into both as a memory operand and so read every byte of b twice,
// which costs more than the arithmetic where the loads are the bottleneck. An empty assembler statement that
// claims to change the loaded register keeps it a register.
inline __m512i load_i8x64_once(const std::int8_t* p) {
  __m512i v = _mm512_loadu_si512(p);
#if defined(__GNUC__) && !defined(__clang__)
  __asm__("" : "+v"(v));
#endif
  return v;
}

// Two chains of each accumulator over a step of 128 bytes, two cache lines: VPDPBUSD accumulates in place, so one
// chain would wait out its latency at every step.
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
  __m512i shifted0 = _mm512_setzero_si512(), shifted1 = _mm512_setzero_si512();
  __m512i offset0 = _mm512_setzero_si512(), offset1 = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    prefetch_step<kAhead, 128, std::int8_t>(ahead, i);
    const __m512i b0 = load_i8x64_once(b + i), b1 = load_i8x64_once(b + i + 64);
    offset0 = _mm512_dpbusd_epi32(offset0, bias, b0);
    shifted0 = _mm512_dpbusd_epi32(shifted0, _mm512_xor_si512(load_i8x64(a + i), bias), b0);
    offset1 = _mm512_dpbusd_epi32(offset1, bias, b1);
    shifted1 = _mm512_dpbusd_epi32(shifted1, _mm512_xor_si512(load_i8x64(a + i + 64), bias), b1);
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  for (; i + 64 <= n; i += 64) {
    const __m512i b0 = load_i8x64_once(b + i);
    shifted0 = _mm512_dpbusd_epi32(shifted0, _mm512_xor_si512(load_i8x64(a + i), bias), b0);
    offset0 = _mm512_dpbusd_epi32(offset0, bias, b0);
  }
  if (i < n) {
    const __mmask64 mask = (std::uint64_t{1} << (n - i)) - 1u;
    const __m512i b0 = _mm512_maskz_loadu_epi8(mask, b + i);
    shifted1 = _mm512_dpbusd_epi32(shifted1, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, a + i), bias), b0);
    offset1 = _mm512_dpbusd_epi32(offset1, bias, b0);
  }
  const __m512i shifted = _mm512_add_epi32(shifted0, shifted1), offset = _mm512_add_epi32(offset0, offset1);
  return _mm512_reduce_add_epi32(_mm512_sub_epi32(shifted, offset));
}
#endif

}  // namespace
}  // namespace HNSWKIT_KERNEL_NS

#ifdef HNSWKIT_AVX512_VNNI
const KernelSet kAvx512VnniKernels = avx512_vnni::kernel_set(SimdLevel::kAvx512Vnni, "avx512vnni");
#else
const KernelSet kAvx512Kernels = avx512::kernel_set(SimdLevel::kAvx512, "avx512");
#endif

}  // namespace hnswkit
