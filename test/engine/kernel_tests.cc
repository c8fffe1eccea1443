// Engine test: every distance kernel this machine can run against the scalar reference, one test per instruction
// set (scripts/test-cpus.sh greps the "ok   kernels" lines to show which ran).
#include <cmath>
#include <random>

#include "engine_test.h"
#include "space/kernels.h"

using namespace hnswkit;

namespace engine_test {
namespace {

void kernels_match_scalar(const KernelSet& set) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> small(-8, 8);
  for (std::size_t d = 1; d <= 1100; ++d) {
    // Exactly d floats each, so a kernel reading past the end is caught by the sanitizers.
    std::vector<float> a(d), b(d), ia(d), ib(d);
    for (std::size_t i = 0; i < d; ++i) {
      a[i] = real(rng);
      b[i] = real(rng);
      ia[i] = static_cast<float>(small(rng));
      ib[i] = static_cast<float>(small(rng));
    }
    const KernelFn pairs[2][2] = {{kScalarKernels.l2_squared, set.l2_squared}, {kScalarKernels.dot, set.dot}};
    for (const auto& pair : pairs) {
      const float want = pair[0](a.data(), b.data(), d), got = pair[1](a.data(), b.data(), d);
      // Both sums round differently; bound the error by the sum of magnitudes, which a cancelling dot needs.
      float magnitude = 0;
      for (std::size_t i = 0; i < d; ++i) magnitude += std::fabs(a[i] * b[i]) + (a[i] - b[i]) * (a[i] - b[i]);
      if (std::fabs(want - got) > 1e-5f * magnitude) {
        throw std::runtime_error("dimension " + std::to_string(d) + ": " + std::to_string(want) + " vs " +
                                 std::to_string(got));
      }
      // Integer-valued data below 2^24 sums exactly in any order.
      if (pair[0](ia.data(), ib.data(), d) != pair[1](ia.data(), ib.data(), d)) {
        throw std::runtime_error("integer data differs at dimension " + std::to_string(d));
      }
    }
  }
}

// The prefetching kernels only add prefetches: their sums must be bit for bit those of the plain kernels.
void ahead_kernels_match_plain(const KernelSet& set) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  for (std::size_t d = 1; d <= 1100; ++d) {
    std::vector<float> a(d), b(d), ahead(d);
    for (std::size_t i = 0; i < d; ++i) {
      a[i] = real(rng);
      b[i] = real(rng);
      ahead[i] = real(rng);
    }
    if (set.l2_squared_ahead(a.data(), b.data(), d, ahead.data()) != set.l2_squared(a.data(), b.data(), d) ||
        set.dot_ahead(a.data(), b.data(), d, ahead.data()) != set.dot(a.data(), b.data(), d)) {
      throw std::runtime_error("dimension " + std::to_string(d) + " differs");
    }
  }
}

}  // namespace

std::vector<TestCase> kernel_tests() {
  std::vector<TestCase> tests;
  for (SimdLevel level : {SimdLevel::kSse, SimdLevel::kAvx2, SimdLevel::kAvx512, SimdLevel::kNeon}) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    tests.push_back({std::string("kernels ") + set->name + " match scalar for every dimension 1..1100",
                     [set] { kernels_match_scalar(*set); }});
  }
  for (SimdLevel level :
       {SimdLevel::kScalar, SimdLevel::kSse, SimdLevel::kAvx2, SimdLevel::kAvx512, SimdLevel::kNeon}) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    tests.push_back({std::string("kernels ") + set->name + " give the same bits with prefetch ahead, for 1..1100",
                     [set] { ahead_kernels_match_plain(*set); }});
  }
  return tests;
}

}  // namespace engine_test
