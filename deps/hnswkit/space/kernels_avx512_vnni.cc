// The avx512vnni level's i8 kernels: the exact dot product of two int8 vectors on VPDPBUSD (AVX-512 VNNI), and
// nothing else. The level's table is the avx512 set's float32 and f16 kernels with these two entry points
// (space/kernels_avx512.cc), so the only code compiled with VNNI is this file's.
#include <immintrin.h>

#if (defined(__GNUC__) || defined(__clang__)) && !defined(__AVX512VNNI__)
#error "space/kernels_avx512_vnni.cc needs -mavx512vnni (CMakeLists.txt)"
#endif
#define HNSWKIT_KERNEL_NS avx512_vnni
#define HNSWKIT_KERNEL_I8_ONLY 1
#include "space/kernels-inl.h"

namespace hnswkit {
namespace avx512_vnni {
namespace {

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

}  // namespace
}  // namespace avx512_vnni
}  // namespace hnswkit
