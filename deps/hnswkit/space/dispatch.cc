// Chooses the kernel set once, from the CPU's features and the HNSWKIT_SIMD override.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "space/kernels.h"

namespace hnswkit {
namespace {

const KernelSet* compiled_kernels(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar: return &kScalarKernels;
    default: return nullptr;  // SIMD kernel files register here as they are added
  }
}

bool cpu_supports(SimdLevel level) {
  return level == SimdLevel::kScalar;
}

const KernelSet& choose() {
  static const SimdLevel kPreference[] = {SimdLevel::kAvx512, SimdLevel::kAvx2, SimdLevel::kSse, SimdLevel::kNeon,
                                          SimdLevel::kScalar};
  const KernelSet* best = nullptr;
  for (SimdLevel level : kPreference) {
    if ((best = kernels_for(level)) != nullptr) break;
  }
  const char* forced = std::getenv("HNSWKIT_SIMD");
  if (forced != nullptr && *forced != '\0') {
    const KernelSet* match = nullptr;
    bool known = false;
    for (SimdLevel level : kPreference) {
      const KernelSet* set = compiled_kernels(level);
      const char* names[] = {"scalar", "sse", "avx2", "avx512", "neon"};
      if (std::strcmp(forced, names[static_cast<int>(level)]) == 0) {
        known = true;
        if (set != nullptr && cpu_supports(level)) match = set;
      }
    }
    if (match != nullptr) return *match;
    std::fprintf(stderr, "hnswkit: HNSWKIT_SIMD=%s %s; using %s\n", forced,
                 known ? "is not available on this CPU or build" : "is not one of scalar, sse, avx2, avx512, neon",
                 best->name);
  }
  return *best;
}

}  // namespace

const KernelSet* kernels_for(SimdLevel level) {
  const KernelSet* set = compiled_kernels(level);
  return set != nullptr && cpu_supports(level) ? set : nullptr;
}

const KernelSet& active_kernels() {
  static const KernelSet& chosen = choose();
  return chosen;
}

}  // namespace hnswkit
