// Windows only: each thread's free list of search scratch (index/search_scratch.h), freed when the thread exits.
#ifdef _WIN32
#include "util/windows_api.h"

#include <new>

#include "index/search_scratch.h"

namespace hnswkit {
namespace {

using FreeList = std::vector<std::unique_ptr<SearchScratch>>;

// Called by Windows on the exiting thread (and for every thread's value if the slot is ever freed).
void WINAPI free_list_destroy(void* list) { delete static_cast<FreeList*>(list); }

DWORD free_list_slot() {
  static const DWORD slot = FlsAlloc(&free_list_destroy);
  return slot;
}

}  // namespace

FreeList& scratch_free_list() {
  const DWORD slot = free_list_slot();
  if (slot == FLS_OUT_OF_INDEXES) throw std::bad_alloc();
  auto* list = static_cast<FreeList*>(FlsGetValue(slot));
  if (list == nullptr) {
    list = new FreeList();
    if (!FlsSetValue(slot, list)) {
      delete list;
      throw std::bad_alloc();
    }
  }
  return *list;
}

}  // namespace hnswkit
#endif
