// Distance-kernel micro-benchmark: nanoseconds per call of every kernel level this CPU runs, on vectors that sit
// in L1 cache, so the figure is the kernel's arithmetic and not memory traffic.
//   cmake -S . -B build-bench -DHNSWKIT_BUILD_ADDON=OFF -DHNSWKIT_BUILD_BENCH=ON && cmake --build build-bench
//   build-bench/kernel_bench [dim ...]        (default: 128 784 1536)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "space/kernels.h"

using namespace hnswkit;

namespace {

volatile float g_sink;

double ns_per_call(KernelFn kernel, const std::vector<float>& a, const std::vector<float>& b) {
  const std::size_t dim = a.size();
  // Enough calls for about 50 ms on the slowest kernel; best of 5 rounds.
  const std::size_t calls = std::max<std::size_t>(1000, 200000000 / (dim + 16));
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    float sum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < calls; ++i) sum += kernel(a.data(), b.data(), dim);
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
  const SimdLevel levels[] = {SimdLevel::kScalar, SimdLevel::kSse, SimdLevel::kAvx2, SimdLevel::kAvx512,
                              SimdLevel::kNeon};
  std::printf("%-8s %6s %12s %12s %10s %10s\n", "kernels", "dim", "l2 ns/call", "ip ns/call", "l2 vs sc", "ip vs sc");
  for (std::size_t dim : dims) {
    std::vector<float> a(dim), b(dim);
    for (std::size_t i = 0; i < dim; ++i) {
      a[i] = static_cast<float>(i % 17) * 0.25f;
      b[i] = static_cast<float>(i % 13) * 0.5f;
    }
    double scalar_l2 = 0, scalar_ip = 0;
    for (SimdLevel level : levels) {
      const KernelSet* set = kernels_for(level);
      if (set == nullptr) continue;
      const double l2 = ns_per_call(set->l2_squared, a, b), ip = ns_per_call(set->dot, a, b);
      if (level == SimdLevel::kScalar) {
        scalar_l2 = l2;
        scalar_ip = ip;
      }
      std::printf("%-8s %6zu %12.1f %12.1f %9.2fx %9.2fx\n", set->name, dim, l2, ip, scalar_l2 / l2, scalar_ip / ip);
    }
  }
  return 0;
}
