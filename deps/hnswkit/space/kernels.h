// Distance kernel table: one set of float32, f16 and i8 kernels per instruction set, chosen once from the
// CPU at start-up.
//
// Each kernels_<isa>.cc is compiled with its own ISA flags and includes space/kernels-inl.h, which writes the
// entry points and the table once for all of them; nothing in this header may be an inline function that such a
// unit instantiates (docs/design.md, "Spaces and kernels").
#pragma once

#include <cstddef>
#include <cstdint>

namespace hnswkit {

// Sum over i < n of (a[i] - b[i])^2, or of a[i] * b[i]. Reads exactly n floats from each pointer.
using KernelFn = float (*)(const float* a, const float* b, std::size_t n);

// As KernelFn, and meanwhile asks the memory system for the n floats at `ahead`: the stored vector to be compared
// next but one. The requests are spread over the loop, a cache line or a few per step, so the loads of the coming
// vectors overlap the arithmetic on this one instead of arriving as one burst. Returns exactly the bits of the
// KernelFn of the same set; `ahead` is never read, only prefetched.
using AheadKernelFn = float (*)(const float* a, const float* b, std::size_t n, const float* ahead);

// As KernelFn and AheadKernelFn with a float32 vector a and a vector b of n IEEE 754 binary16 values ("f16"), given
// as their bit patterns: the sum over i < n of (a[i] - float(b[i]))^2, or of a[i] * float(b[i]), accumulated in
// float32. Every f16 value is exact as a float, so only the sum's order and rounding differ from the float32 kernel
// on the widened vector. Every f16 distance has a float32 side: a query, or a stored vector widened once
// (space/space.h), so one operand is converted per element, not two.
using F32F16KernelFn = float (*)(const float* a, const std::uint16_t* b, std::size_t n);
using F32F16AheadKernelFn = float (*)(const float* a, const std::uint16_t* b, std::size_t n,
                                      const std::uint16_t* ahead);

// The exact sum over i < n of a[i] * b[i] for signed 8-bit vectors, n <= kMaxI8Elements, which keeps every partial
// sum within int32 (n * 128 * 128 <= 2^30). Every set returns the same value; the _ahead form prefetches n bytes.
constexpr std::size_t kMaxI8Elements = 65536;
using I8DotFn = std::int32_t (*)(const std::int8_t* a, const std::int8_t* b, std::size_t n);
using I8DotAheadFn = std::int32_t (*)(const std::int8_t* a, const std::int8_t* b, std::size_t n,
                                      const std::int8_t* ahead);

// out[i] = in[i] rounded to the nearest f16, ties to even: above 65504 the nearest may be infinity (from 65520 up),
// below 2^-14 a subnormal or a signed zero; a NaN stays a NaN (quiet, its sign and top payload bits kept).
using ToF16Fn = void (*)(const float* in, std::uint16_t* out, std::size_t n);
// out[i] = the float32 of f16 in[i], exactly (a signalling NaN comes back quiet).
using FromF16Fn = void (*)(const std::uint16_t* in, float* out, std::size_t n);

// kAvx512Vnni is kAvx512 with an i8 kernel on AVX-512 VNNI (VPDPBUSD); kNeonDot is kNeon with one on the Armv8.2
// dot-product instructions (SDOT). Their float32 and f16 kernels are their base level's.
enum class SimdLevel { kScalar = 0, kSse = 1, kAvx2 = 2, kAvx512 = 3, kNeon = 4, kAvx512Vnni = 5, kNeonDot = 6 };

struct KernelSet {
  SimdLevel level;
  const char* name;  // "scalar", "sse", "avx2", "avx512", "neon", "avx512vnni", "neondot"
  KernelFn l2_squared;
  KernelFn dot;
  AheadKernelFn l2_squared_ahead;
  AheadKernelFn dot_ahead;
  F32F16KernelFn l2_squared_f32_f16;
  F32F16KernelFn dot_f32_f16;
  F32F16AheadKernelFn l2_squared_f32_f16_ahead;  // prefetches an f16 vector: n * 2 bytes
  F32F16AheadKernelFn dot_f32_f16_ahead;
  I8DotFn dot_i8;
  I8DotAheadFn dot_i8_ahead;
  ToF16Fn to_f16;  // the same bits in every set
  FromF16Fn from_f16;
};

// The kernels in use by every Space. Chosen on first call from the CPU's features, lowered by the environment
// variable HNSWKIT_SIMD (scalar|sse|avx2|avx512|avx512vnni|neon|neondot) when it names a level this CPU can run.
const KernelSet& active_kernels();

// Why the kernels in use are not the ones HNSWKIT_SIMD names, in one sentence that names the value and the level used
// instead ("HNSWKIT_SIMD=neon is not available on this CPU or build; using avx2"); "" when the variable is unset,
// empty or honoured. Makes the choice if active_kernels() has not yet; the text never changes afterwards. The
// engine prints nothing: showing it is the host's call.
const char* simd_warning();

// The kernels of one level, or nullptr if this binary lacks them or this CPU cannot run them. For tests and the
// benchmark, which compare every level with the scalar one.
const KernelSet* kernels_for(SimdLevel level);

// Kernel sets defined in kernels_<isa>.cc; only those compiled for the target architecture exist. The table of a
// level that adds only an i8 kernel (avx512vnni, neondot) is defined in its base level's file, which fills it with
// its own float32 and f16 kernels and the i8 entry points below.
extern const KernelSet kScalarKernels;
#if defined(__x86_64__) || defined(_M_X64)
extern const KernelSet kSseKernels;
extern const KernelSet kAvx2Kernels;
extern const KernelSet kAvx512Kernels;
extern const KernelSet kAvx512VnniKernels;  // kernels_avx512.cc
// The avx512vnni level's i8 kernels (kernels_avx512_vnni.cc, the one file compiled with VNNI).
namespace avx512_vnni {
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n);
std::int32_t dot_i8_ahead(const std::int8_t* a, const std::int8_t* b, std::size_t n, const std::int8_t* ahead);
}  // namespace avx512_vnni
#elif defined(__aarch64__) || defined(_M_ARM64)
extern const KernelSet kNeonKernels;
// MSVC-style compilers build arm64 without kernels_neon_dot.cc (CMakeLists.txt), so without the neondot level.
#if !defined(_MSC_VER)
#define HNSWKIT_NEON_DOT_KERNELS 1
extern const KernelSet kNeonDotKernels;  // kernels_neon.cc
// The neondot level's i8 kernels (kernels_neon_dot.cc, the one file compiled with the dot-product instructions).
namespace neon_dot {
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n);
std::int32_t dot_i8_ahead(const std::int8_t* a, const std::int8_t* b, std::size_t n, const std::int8_t* ahead);
}  // namespace neon_dot
#endif
#endif

}  // namespace hnswkit
