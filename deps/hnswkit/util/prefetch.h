// The cache prefetch hint, for code that knows which memory it reads next better than the hardware prefetcher: one
// guarded helper for the engine and every kernel set. Internal linkage, as in index/link_list.h, so a file compiled
// with its own instruction-set flags gets its own copy.
#pragma once

#if defined(_MSC_VER) && !defined(__clang__) && defined(_M_X64)
#include <xmmintrin.h>  // _mm_prefetch: SSE, part of the x86-64 baseline
#endif

namespace hnswkit {
namespace {

// Asks the CPU to start loading the cache line holding address, for reading, into every cache level. A no-op with a
// compiler that offers no way to ask.
inline void prefetch(const void* address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#elif defined(_MSC_VER) && defined(_M_X64)
  _mm_prefetch(static_cast<const char*>(address), _MM_HINT_T0);
#else
  (void)address;
#endif
}

}  // namespace
}  // namespace hnswkit
