// AVX-512F kernels: sixteen floats per instruction, and a masked load for the tail instead of a scalar loop; f16
// values are widened and narrowed sixteen at a time (VCVTPH2PS and VCVTPS2PH are AVX-512F).
#include <immintrin.h>

#include <cstring>

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

// The last `remaining` (< 16) f16 values, zero-padded: a masked 16-bit load would need AVX-512BW, which this level
// does not require, so they are copied first and nothing past the vector is read.
inline __m512 load_f16_tail(const std::uint16_t* p, std::size_t remaining) {
  std::uint16_t padded[16] = {};
  std::memcpy(padded, p, remaining * sizeof(std::uint16_t));
  return load_f16x16(padded);
}

// As l2_squared_impl: the same chains; a step of 64 f16 values is two cache lines.
template <bool kAhead>
float l2_squared_f16_impl(const std::uint16_t* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::uint16_t>(ahead, i);
    __m512 d0 = _mm512_sub_ps(load_f16x16(a + i), load_f16x16(b + i));
    __m512 d1 = _mm512_sub_ps(load_f16x16(a + i + 16), load_f16x16(b + i + 16));
    __m512 d2 = _mm512_sub_ps(load_f16x16(a + i + 32), load_f16x16(b + i + 32));
    __m512 d3 = _mm512_sub_ps(load_f16x16(a + i + 48), load_f16x16(b + i + 48));
    acc0 = _mm512_fmadd_ps(d0, d0, acc0);
    acc1 = _mm512_fmadd_ps(d1, d1, acc1);
    acc2 = _mm512_fmadd_ps(d2, d2, acc2);
    acc3 = _mm512_fmadd_ps(d3, d3, acc3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  acc0 = _mm512_add_ps(acc0, acc2);
  acc1 = _mm512_add_ps(acc1, acc3);
  for (; i + 16 <= n; i += 16) {
    __m512 d = _mm512_sub_ps(load_f16x16(a + i), load_f16x16(b + i));
    acc0 = _mm512_fmadd_ps(d, d, acc0);
  }
  if (i < n) {
    __m512 d = _mm512_sub_ps(load_f16_tail(a + i, n - i), load_f16_tail(b + i, n - i));
    acc1 = _mm512_fmadd_ps(d, d, acc1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

template <bool kAhead>
float dot_f16_impl(const std::uint16_t* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::uint16_t>(ahead, i);
    acc0 = _mm512_fmadd_ps(load_f16x16(a + i), load_f16x16(b + i), acc0);
    acc1 = _mm512_fmadd_ps(load_f16x16(a + i + 16), load_f16x16(b + i + 16), acc1);
    acc2 = _mm512_fmadd_ps(load_f16x16(a + i + 32), load_f16x16(b + i + 32), acc2);
    acc3 = _mm512_fmadd_ps(load_f16x16(a + i + 48), load_f16x16(b + i + 48), acc3);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  acc0 = _mm512_add_ps(acc0, acc2);
  acc1 = _mm512_add_ps(acc1, acc3);
  for (; i + 16 <= n; i += 16) acc0 = _mm512_fmadd_ps(load_f16x16(a + i), load_f16x16(b + i), acc0);
  if (i < n) acc1 = _mm512_fmadd_ps(load_f16_tail(a + i, n - i), load_f16_tail(b + i, n - i), acc1);
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

template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  prefetch_rest<kAhead, std::int8_t>(ahead, 0, n);
  return dot_i8_tail(a, b, 0, n, 0);
}

}  // namespace
}  // namespace avx512

const KernelSet kAvx512Kernels = avx512::kernel_set(SimdLevel::kAvx512, "avx512");

}  // namespace hnswkit
