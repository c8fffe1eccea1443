// Windows page allocation for util/calloc_array.h's large arrays (Linux and macOS use mmap in the header itself).
#ifdef _WIN32
#include "util/windows_api.h"

#include "util/calloc_array.h"

namespace hnswkit {

void* commit_zeroed_pages(std::size_t bytes) {
  // Committed pages read as zero and get physical memory on first touch; the commit charge is taken now.
  return VirtualAlloc(nullptr, bytes, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}

void release_pages(void* pages) { VirtualFree(pages, 0, MEM_RELEASE); }

}  // namespace hnswkit
#endif
