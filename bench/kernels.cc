// Distance-kernel micro-benchmark: nanoseconds per call of every kernel level this CPU runs, on vectors that sit
// in L1 cache, so the figure is the kernel's arithmetic and not memory traffic. The _ahead kernels prefetch a third
// vector, also in L1: their columns show what the prefetch instructions themselves cost. The f16 rows time the same
// sums with the second vector narrowed to f16 (half its bytes; each value widened on the way), and the i8 rows the
// exact dot product of two int8 vectors (a quarter of the bytes), each next to the float32 kernel of the same set.
//   cmake -S . -B build-bench -DHNSWKIT_BUILD_ADDON=OFF -DHNSWKIT_BUILD_BENCH=ON && cmake --build build-bench
//   build-bench/kernel_bench [dim ...]        (default: 128 784 1536)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "space/kernels.h"

using namespace hnswkit;

namespace {

volatile float g_sink;

// Best of 5 rounds of `call`, a lambda running one kernel call and returning its result.
template <typename Call>
double ns_per_call(std::size_t dim, Call call) {
  // Enough calls for about 50 ms on the slowest kernel; best of 5 rounds.
  const std::size_t calls = std::max<std::size_t>(1000, 200000000 / (dim + 16));
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    float sum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < calls; ++i) sum += call();
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    g_sink = sum;
    if (ns / calls < best) best = ns / calls;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> dims;
  for (int i = 1; i < argc; ++i) dims.push_back(static_cast<std::size_t>(std::strtoul(argv[i], nullptr, 10)));
  if (dims.empty()) dims = {128, 784, 1536};
  const SimdLevel levels[] = {SimdLevel::kScalar,     SimdLevel::kSse,  SimdLevel::kAvx2,   SimdLevel::kAvx512,
                              SimdLevel::kAvx512Vnni, SimdLevel::kNeon, SimdLevel::kNeonDot};
  std::printf("%-10s %6s %12s %12s %10s %10s %12s %12s\n", "kernels", "dim", "l2 ns/call", "ip ns/call", "l2 vs sc",
              "ip vs sc", "l2 ahead ns", "ip ahead ns");
  for (std::size_t dim : dims) {
    std::vector<float> a(dim), b(dim), c(dim);
    for (std::size_t i = 0; i < dim; ++i) {
      a[i] = static_cast<float>(i % 17) * 0.25f;
      b[i] = static_cast<float>(i % 13) * 0.5f;
      c[i] = static_cast<float>(i % 11);
    }
    double scalar_l2 = 0, scalar_ip = 0;
    for (SimdLevel level : levels) {
      const KernelSet* set = kernels_for(level);
      if (set == nullptr) continue;
      const float *pa = a.data(), *pb = b.data(), *pc = c.data();
      const double l2 = ns_per_call(dim, [&] { return set->l2_squared(pa, pb, dim); });
      const double ip = ns_per_call(dim, [&] { return set->dot(pa, pb, dim); });
      const double l2_ahead = ns_per_call(dim, [&] { return set->l2_squared_ahead(pa, pb, dim, pc); });
      const double ip_ahead = ns_per_call(dim, [&] { return set->dot_ahead(pa, pb, dim, pc); });
      if (level == SimdLevel::kScalar) {
        scalar_l2 = l2;
        scalar_ip = ip;
      }
      std::printf("%-10s %6zu %12.1f %12.1f %9.2fx %9.2fx %12.1f %12.1f\n", set->name, dim, l2, ip, scalar_l2 / l2,
                  scalar_ip / ip, l2_ahead, ip_ahead);
    }
  }
  std::printf("\nfloat32 against f16 (\"vs f32\": the set's float32 kernel time over this one)\n");
  std::printf("%-10s %6s %12s %12s %10s %10s %12s %12s %12s\n", "kernels", "dim", "l2 ns/call", "ip ns/call",
              "l2 vs f32", "ip vs f32", "l2 ahead ns", "ip ahead ns", "widen ns");
  for (std::size_t dim : dims) {
    std::vector<float> a(dim), b(dim), c(dim), wide(dim);
    for (std::size_t i = 0; i < dim; ++i) {
      a[i] = static_cast<float>(i % 17) * 0.25f;
      b[i] = static_cast<float>(i % 13) * 0.5f;
      c[i] = static_cast<float>(i % 11);
    }
    std::vector<std::uint16_t> hb(dim), hc(dim);
    kScalarKernels.to_f16(b.data(), hb.data(), dim);
    kScalarKernels.to_f16(c.data(), hc.data(), dim);
    for (SimdLevel level : levels) {
      const KernelSet* set = kernels_for(level);
      if (set == nullptr) continue;
      const float *pa = a.data(), *pb = b.data();
      const std::uint16_t *phb = hb.data(), *phc = hc.data();
      float* pw = wide.data();
      const double l2_f32 = ns_per_call(dim, [&] { return set->l2_squared(pa, pb, dim); });
      const double ip_f32 = ns_per_call(dim, [&] { return set->dot(pa, pb, dim); });
      const double l2 = ns_per_call(dim, [&] { return set->l2_squared_f32_f16(pa, phb, dim); });
      const double ip = ns_per_call(dim, [&] { return set->dot_f32_f16(pa, phb, dim); });
      const double l2_ahead = ns_per_call(dim, [&] { return set->l2_squared_f32_f16_ahead(pa, phb, dim, phc); });
      const double ip_ahead = ns_per_call(dim, [&] { return set->dot_f32_f16_ahead(pa, phb, dim, phc); });
      const double widen = ns_per_call(dim, [&] {
        set->from_f16(phb, pw, dim);
        return pw[dim - 1];
      });
      std::printf("%-10s %6zu %12.1f %12.1f %9.2fx %9.2fx %12.1f %12.1f %12.1f\n", set->name, dim, l2, ip, l2_f32 / l2,
                  ip_f32 / ip, l2_ahead, ip_ahead, widen);
    }
  }
  std::printf("\ni8 dot product, exact in int32 (\"vs f32\": the set's float32 dot time over this one)\n");
  std::printf("%-10s %6s %12s %10s %12s\n", "kernels", "dim", "ip ns/call", "ip vs f32", "ip ahead ns");
  for (std::size_t dim : dims) {
    std::vector<float> a(dim), b(dim);
    std::vector<std::int8_t> ia(dim), ib(dim), ic(dim);
    for (std::size_t i = 0; i < dim; ++i) {
      a[i] = static_cast<float>(i % 17) * 0.25f;
      b[i] = static_cast<float>(i % 13) * 0.5f;
      ia[i] = static_cast<std::int8_t>(static_cast<int>(i % 251) - 125);
      ib[i] = static_cast<std::int8_t>(static_cast<int>(i % 241) - 120);
      ic[i] = static_cast<std::int8_t>(i % 11);
    }
    for (SimdLevel level : levels) {
      const KernelSet* set = kernels_for(level);
      if (set == nullptr) continue;
      const float *pa = a.data(), *pb = b.data();
      const std::int8_t *pia = ia.data(), *pib = ib.data(), *pic = ic.data();
      const double ip_f32 = ns_per_call(dim, [&] { return set->dot(pa, pb, dim); });
      const double ip = ns_per_call(dim, [&] { return static_cast<float>(set->dot_i8(pia, pib, dim)); });
      const double ip_ahead = ns_per_call(dim,
                                          [&] { return static_cast<float>(set->dot_i8_ahead(pia, pib, dim, pic)); });
      std::printf("%-10s %6zu %12.1f %9.2fx %12.1f\n", set->name, dim, ip, ip_f32 / ip, ip_ahead);
    }
  }
  return 0;
}
