// The cache prefetch hint, for code that knows which memory it reads next better than the hardware prefetcher.
// Internal linkage, as in index/link_list.h, so a file compiled with its own instruction-set flags gets its own copy.
#pragma once

namespace hnswkit {
namespace {

// Asks the CPU to start loading the cache line holding address, for reading, into every cache level.
inline void prefetch(const void* address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#else
  (void)address;
#endif
}

}  // namespace
}  // namespace hnswkit
