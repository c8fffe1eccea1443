// What every kernel set shares, written once: the prefetch helpers, the scalar tails, the bit-exact f16 conversions,
// the entry points a KernelSet holds and the table itself. Each kernels_<isa>.cc defines HNSWKIT_KERNEL_NS, includes
// this file, and then defines only its arithmetic: l2_squared_impl<kAhead>, dot_impl<kAhead>, their _f16_impl
// twins, dot_i8_impl, to_f16 and from_f16 (declared below).
//
// A set that only adds an i8 kernel to a base set (avx512vnni to avx512, neondot to neon) also defines
// HNSWKIT_KERNEL_I8_ONLY: its file then defines only dot_i8_impl, and this file writes only the two i8 entry points,
// with external linkage (declared in space/kernels.h). The base set's file puts them into that level's table next to
// its own float32 and f16 kernels, so those exist once per binary.
//
// Each includer is compiled with its own instruction-set flags, so everything here lives in a namespace of its own
// per set (hnswkit::avx2, hnswkit::neon, ...) and, inside it, an anonymous namespace: internal linkage, one copy per
// object file (only the i8 entry points of an i8-only set are outside it: plain functions, not inline). An inline
// function with external linkage would be one symbol across the files, of which the linker keeps any one copy, possibly
// the AVX-512 one, for every caller (docs/design.md, "Spaces and kernels").
#pragma once

#ifndef HNSWKIT_KERNEL_NS
#error "define HNSWKIT_KERNEL_NS, the kernel set's namespace, before including space/kernels-inl.h"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "space/kernels.h"
#include "util/prefetch.h"

namespace hnswkit {
namespace HNSWKIT_KERNEL_NS {
namespace {

constexpr std::size_t kLineBytes = 64;

// Asks for the cache line holding `address`, to be read soon (util/prefetch.h).
inline void prefetch_line(const char* address) { prefetch(address); }

// Called at the top of each step of a body's main loop, which reads elements [i, i + kStep) of b (floats, or the
// 2-byte f16 values when T is std::uint16_t): with kAhead, prefetches the lines of `ahead` at the same offsets. A
// step of a line or more asks for each of its lines; a shorter step asks for one line on the steps that start one,
// so the requests stay spread over the loop.
template <bool kAhead, std::size_t kStep, typename T = float>
inline void prefetch_step(const char* ahead, std::size_t i) {
  constexpr std::size_t kLineElements = kLineBytes / sizeof(T);
  static_assert(kStep % kLineElements == 0 || kLineElements % kStep == 0, "a step covers whole lines or divides one");
  if (!kAhead) return;
  if (kStep >= kLineElements) {
    for (std::size_t line = 0; line < kStep / kLineElements; ++line) {
      prefetch_line(ahead + sizeof(T) * i + kLineBytes * line);
    }
  } else if (i % kLineElements == 0) {
    prefetch_line(ahead + sizeof(T) * i);
  }
}

// Called once after the main loop, which stopped at element i of n: with kAhead, prefetches the rest of `ahead` and
// the line holding its last byte (the vector need not start on a line boundary).
template <bool kAhead, typename T = float>
inline void prefetch_rest(const char* ahead, std::size_t i, std::size_t n) {
  if (!kAhead) return;
  const std::size_t bytes = sizeof(T) * n;
  for (std::size_t offset = sizeof(T) * i; offset < bytes; offset += kLineBytes) prefetch_line(ahead + offset);
  prefetch_line(ahead + bytes - 1);
}

// Floats [i, n) one at a time, added to `sum` in order: the tail of the sets that have no masked load.
inline float l2_squared_tail(const float* a, const float* b, std::size_t i, std::size_t n, float sum) {
  for (; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

inline float dot_tail(const float* a, const float* b, std::size_t i, std::size_t n, float sum) {
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// IEEE 754 binary16 <-> binary32 on the bits alone, the same on every compiler and CPU (no _Float16, no rounding
// mode, no denormal flags): the reference of every set's conversions and the f16 tails of the sets without masked
// loads.
inline std::uint32_t float_bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

inline float bits_float(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline float f16_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu;
  std::uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) {
    // Infinity, or a NaN whose payload moves to the top of the float's and which comes back quiet.
    return bits_float(sign | 0x7F800000u | (mantissa << 13) | (mantissa != 0 ? 0x400000u : 0u));
  }
  if (exponent != 0) return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));  // rebias 15 -> 127
  if (mantissa == 0) return bits_float(sign);
  // Subnormal, mantissa * 2^-24: normal as a float. Shift the leading one up to the implicit bit.
  std::uint32_t float_exponent = 113;  // 2^-14, the exponent of the smallest normal f16
  while ((mantissa & 0x400u) == 0) {
    mantissa <<= 1;
    --float_exponent;
  }
  return bits_float(sign | (float_exponent << 23) | ((mantissa & 0x3FFu) << 13));
}

inline std::uint16_t float_to_f16(float f) {
  std::uint32_t x = float_bits(f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7FFFFFFFu;
  if (x > 0x7F800000u) return static_cast<std::uint16_t>(sign | 0x7E00u | ((x >> 13) & 0x3FFu));  // NaN, quiet
  if (x >= 0x477FF000u) return static_cast<std::uint16_t>(sign | 0x7C00u);  // from 65520 (or inf): infinity
  if (x >= 0x38800000u) {
    // Normal f16 (from 2^-14): rebias the exponent, then drop 13 mantissa bits rounding to nearest, ties to even;
    // a carry out of the mantissa rightly bumps the exponent.
    const std::uint32_t rebiased = x - (112u << 23);
    return static_cast<std::uint16_t>(sign | ((rebiased + 0xFFFu + ((rebiased >> 13) & 1u)) >> 13));
  }
  if (x <= 0x33000000u) return sign;  // up to 2^-25, half the smallest subnormal: the tie goes to even, zero
  // Subnormal f16: the value in units of 2^-24 is the 24-bit significand shifted right by 14..24 places, rounded
  // to nearest, ties to even. Rounding up to 0x400 gives the smallest normal, correctly encoded.
  const std::uint32_t significand = (x & 0x7FFFFFu) | 0x800000u;
  const std::uint32_t shift = 126 - (x >> 23);
  std::uint32_t units = significand >> shift;
  const std::uint32_t rest = significand & ((1u << shift) - 1u), half = 1u << (shift - 1);
  if (rest > half || (rest == half && (units & 1u) != 0)) ++units;
  return static_cast<std::uint16_t>(sign | units);
}

// Elements [i, n) of a float32 vector a and an f16 vector b, one at a time, added to `sum` in order.
inline float l2_squared_f16_tail(const float* a, const std::uint16_t* b, std::size_t i, std::size_t n, float sum) {
  for (; i < n; ++i) {
    const float d = a[i] - f16_to_float(b[i]);
    sum += d * d;
  }
  return sum;
}

inline float dot_f16_tail(const float* a, const std::uint16_t* b, std::size_t i, std::size_t n, float sum) {
  for (; i < n; ++i) sum += a[i] * f16_to_float(b[i]);
  return sum;
}

// i8 elements [i, n) one at a time, added to `sum`: exact, so the order does not matter.
inline std::int32_t dot_i8_tail(const std::int8_t* a, const std::int8_t* b, std::size_t i, std::size_t n,
                                std::int32_t sum) {
  for (; i < n; ++i) sum += static_cast<std::int32_t>(a[i]) * static_cast<std::int32_t>(b[i]);
  return sum;
}

#ifndef HNSWKIT_KERNEL_I8_ONLY
// The arithmetic, defined by the including file: the sum over i < n of (a[i] - b[i])^2, or of a[i] * b[i], reading
// exactly n floats from each of a and b. With kAhead the body calls prefetch_step in its main loop and prefetch_rest
// after it; without, `ahead` is null and both calls compile to nothing, so the two variants give the same bits.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead);
template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead);
// The same with b a vector of n f16 values (prefetch_step and prefetch_rest with T = std::uint16_t).
template <bool kAhead>
float l2_squared_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead);
template <bool kAhead>
float dot_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead);
// ToF16Fn and FromF16Fn (space/kernels.h): the bits of float_to_f16 and f16_to_float.
void to_f16(const float* in, std::uint16_t* out, std::size_t n);
void from_f16(const std::uint16_t* in, float* out, std::size_t n);
#endif
// I8DotFn (space/kernels.h), n <= kMaxI8Elements (prefetch_step and prefetch_rest with T = std::int8_t).
template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead);

#ifndef HNSWKIT_KERNEL_I8_ONLY
// The entry points (KernelFn and AheadKernelFn in space/kernels.h).
float l2_squared(const float* a, const float* b, std::size_t n) { return l2_squared_impl<false>(a, b, n, nullptr); }
float dot(const float* a, const float* b, std::size_t n) { return dot_impl<false>(a, b, n, nullptr); }
float l2_squared_ahead(const float* a, const float* b, std::size_t n, const float* ahead) {
  return l2_squared_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float dot_ahead(const float* a, const float* b, std::size_t n, const float* ahead) {
  return dot_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float l2_squared_f32_f16(const float* a, const std::uint16_t* b, std::size_t n) {
  return l2_squared_f16_impl<false>(a, b, n, nullptr);
}
float dot_f32_f16(const float* a, const std::uint16_t* b, std::size_t n) {
  return dot_f16_impl<false>(a, b, n, nullptr);
}
float l2_squared_f32_f16_ahead(const float* a, const std::uint16_t* b, std::size_t n, const std::uint16_t* ahead) {
  return l2_squared_f16_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
float dot_f32_f16_ahead(const float* a, const std::uint16_t* b, std::size_t n, const std::uint16_t* ahead) {
  return dot_f16_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  return dot_i8_impl<false>(a, b, n, nullptr);
}
std::int32_t dot_i8_ahead(const std::int8_t* a, const std::int8_t* b, std::size_t n, const std::int8_t* ahead) {
  return dot_i8_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}

// The table the including file exports as k<Set>Kernels. constexpr, so that table is filled at compile time and
// is complete before any code runs.
constexpr KernelSet kernel_set(SimdLevel level, const char* name) {
  return {level,
          name,
          l2_squared,
          dot,
          l2_squared_ahead,
          dot_ahead,
          l2_squared_f32_f16,
          dot_f32_f16,
          l2_squared_f32_f16_ahead,
          dot_f32_f16_ahead,
          dot_i8,
          dot_i8_ahead,
          to_f16,
          from_f16};
}

// The table of a level that adds only an i8 kernel to this set: this set's kernels with that level's dot_i8 and
// dot_i8_ahead (space/kernels.h). The addresses of functions are constant expressions, so this table too is filled
// at compile time.
constexpr KernelSet kernel_set(SimdLevel level, const char* name, I8DotFn dot_i8_of_level,
                               I8DotAheadFn dot_i8_ahead_of_level) {
  KernelSet set = kernel_set(level, name);
  set.dot_i8 = dot_i8_of_level;
  set.dot_i8_ahead = dot_i8_ahead_of_level;
  return set;
}

#endif  // HNSWKIT_KERNEL_I8_ONLY

}  // namespace

#ifdef HNSWKIT_KERNEL_I8_ONLY
// The i8 entry points of a set that adds only them: external linkage, so that the base set's table can hold them,
// and defined in this one file, so the linker has only this copy to keep.
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  return dot_i8_impl<false>(a, b, n, nullptr);
}
std::int32_t dot_i8_ahead(const std::int8_t* a, const std::int8_t* b, std::size_t n, const std::int8_t* ahead) {
  return dot_i8_impl<true>(a, b, n, reinterpret_cast<const char*>(ahead));
}
#endif

}  // namespace HNSWKIT_KERNEL_NS
}  // namespace hnswkit
