// Portable scalar kernels: the reference every SIMD kernel is tested against, and the fallback on any CPU.
#define HNSWKIT_KERNEL_NS scalar
#include "space/kernels-inl.h"

namespace hnswkit {
namespace scalar {
namespace {

// Four independent accumulators let the CPU overlap the adds; the result is summed in a fixed order so every
// call on the same data gives the same bits.
template <bool kAhead>
float l2_squared_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    prefetch_step<kAhead, 4>(ahead, i);
    float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  prefetch_rest<kAhead>(ahead, i, n);
  s0 = l2_squared_tail(a, b, i, n, s0);
  return (s0 + s1) + (s2 + s3);
}

template <bool kAhead>
float dot_impl(const float* a, const float* b, std::size_t n, const char* ahead) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    prefetch_step<kAhead, 4>(ahead, i);
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  prefetch_rest<kAhead>(ahead, i, n);
  s0 = dot_tail(a, b, i, n, s0);
  return (s0 + s1) + (s2 + s3);
}

// The f16 kernels keep the float32 kernels' four accumulators and final order, converting each f16 element on the
// way.
template <bool kAhead>
float l2_squared_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    prefetch_step<kAhead, 4, std::uint16_t>(ahead, i);
    float d0 = a[i] - f16_to_float(b[i]), d1 = a[i + 1] - f16_to_float(b[i + 1]);
    float d2 = a[i + 2] - f16_to_float(b[i + 2]), d3 = a[i + 3] - f16_to_float(b[i + 3]);
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  s0 = l2_squared_f16_tail(a, b, i, n, s0);
  return (s0 + s1) + (s2 + s3);
}

template <bool kAhead>
float dot_f16_impl(const float* a, const std::uint16_t* b, std::size_t n, const char* ahead) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    prefetch_step<kAhead, 4, std::uint16_t>(ahead, i);
    s0 += a[i] * f16_to_float(b[i]);
    s1 += a[i + 1] * f16_to_float(b[i + 1]);
    s2 += a[i + 2] * f16_to_float(b[i + 2]);
    s3 += a[i + 3] * f16_to_float(b[i + 3]);
  }
  prefetch_rest<kAhead, std::uint16_t>(ahead, i, n);
  s0 = dot_f16_tail(a, b, i, n, s0);
  return (s0 + s1) + (s2 + s3);
}

template <bool kAhead>
std::int32_t dot_i8_impl(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead) {
  std::int32_t sum = 0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    prefetch_step<kAhead, 16, std::int8_t>(ahead, i);
    sum = dot_i8_tail(a, b, i, i + 16, sum);
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  return dot_i8_tail(a, b, i, n, sum);
}

void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = float_to_f16(in[i]);
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f16_to_float(in[i]);
}

}  // namespace
}  // namespace scalar

const KernelSet kScalarKernels = scalar::kernel_set(SimdLevel::kScalar, "scalar");

}  // namespace hnswkit
