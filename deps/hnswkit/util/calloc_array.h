// A zero-initialised array of trivially copyable values whose pages are committed only when touched, so a large
// capacity costs address space, not memory, until elements arrive.
//
// Small arrays come from calloc. Large ones are anonymous mappings with MAP_NORESERVE where the OS has it: the
// kernel's overcommit heuristic refuses a single calloc larger than RAM + swap even if it will never be touched,
// but it does not charge a no-reserve mapping until its pages are written.
//
// An array read at random all over, such as the index's element records, can ask for transparent huge pages: one
// TLB entry then covers 2 MiB instead of 4 KiB, which spares most searches a page-table walk per vector. It costs
// at most one partly used 2 MiB page at the end of what has been touched; where the system has huge pages off
// (/sys/kernel/mm/transparent_hugepage/enabled set to "never") the request is ignored.
//
// On Windows, large arrays are reserved and committed in one VirtualAlloc call. Committed pages are zero and take
// physical memory only when first touched, as on Linux, but Windows charges the whole size against its commit
// limit (RAM plus page file) at once: it has no lazily committed mappings. Huge pages there need a privilege most
// accounts lack, so they are not asked for.
#pragma once

#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define HNSWKIT_HAVE_MMAP 1
#elif defined(_WIN32)
#define HNSWKIT_HAVE_VIRTUAL_ALLOC 1
#endif

namespace hnswkit {

#ifdef HNSWKIT_HAVE_VIRTUAL_ALLOC
// util/virtual_memory.cc, so that <windows.h> and its macros stay out of every file that includes this one.
// Reserves and commits `bytes` of zeroed pages; nullptr if the commit limit is reached.
void* commit_zeroed_pages(std::size_t bytes);
void release_pages(void* pages);
#endif

template <typename T>
class CallocArray {
  static_assert(std::is_trivially_copyable<T>::value, "CallocArray holds plain values only");

 public:
  CallocArray() = default;
  ~CallocArray() { release(); }
  CallocArray(const CallocArray&) = delete;
  CallocArray& operator=(const CallocArray&) = delete;

  enum class Pages { kSmall, kHuge };

  // Allocates n zeroed elements into an empty array; false if the memory cannot be had.
  bool allocate(std::size_t n, Pages pages = Pages::kSmall) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) return false;
    const std::size_t bytes = (n == 0 ? 1 : n) * sizeof(T);
#ifdef HNSWKIT_HAVE_MMAP
    if (bytes >= (pages == Pages::kHuge ? kHugeMapThreshold : kMapThreshold)) {
      void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) return false;
#ifdef MADV_HUGEPAGE
      // Advice only: a kernel without huge pages refuses it and the array simply keeps small pages.
      if (pages == Pages::kHuge) madvise(p, bytes, MADV_HUGEPAGE);
#endif
      data_ = static_cast<T*>(p);
      size_ = n;
      mapped_bytes_ = bytes;
      return true;
    }
#elif defined(HNSWKIT_HAVE_VIRTUAL_ALLOC)
    if (bytes >= (pages == Pages::kHuge ? kHugeMapThreshold : kMapThreshold)) {
      void* p = commit_zeroed_pages(bytes);
      if (p == nullptr) return false;
      data_ = static_cast<T*>(p);
      size_ = n;
      mapped_bytes_ = bytes;
      return true;
    }
#else
    (void)pages;
#endif
    data_ = static_cast<T*>(std::calloc(bytes, 1));
    size_ = data_ == nullptr ? 0 : n;
    return data_ != nullptr;
  }
  // Copies the first n elements of other (n <= both sizes).
  void copy_prefix(const CallocArray& other, std::size_t n) {
    if (n > 0) std::memcpy(data_, other.data_, n * sizeof(T));
  }
  void swap(CallocArray& other) {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(mapped_bytes_, other.mapped_bytes_);
    std::swap(borrowed_, other.borrowed_);
  }
  // Frees what the array holds and points it at n elements someone else owns (a mapped file's bytes), which the
  // array then never frees.
  void borrow(T* data, std::size_t n) {
    release();
    data_ = data;
    size_ = n;
    mapped_bytes_ = 0;
    borrowed_ = true;
  }

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  // Below this, calloc (which reuses freed heap memory) is cheaper than a mapping of its own.
  static constexpr std::size_t kMapThreshold = std::size_t{64} << 20;
  // Huge pages are worth a mapping of its own once an array spans a few of them.
  static constexpr std::size_t kHugeMapThreshold = std::size_t{8} << 20;

  void release() {
    if (borrowed_) return;
#ifdef HNSWKIT_HAVE_MMAP
    if (mapped_bytes_ != 0) {
      munmap(data_, mapped_bytes_);
      return;
    }
#elif defined(HNSWKIT_HAVE_VIRTUAL_ALLOC)
    if (mapped_bytes_ != 0) {
      release_pages(data_);
      return;
    }
#endif
    std::free(data_);
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t mapped_bytes_ = 0;  // nonzero: data_ is a mapping (VirtualAlloc on Windows) of this many bytes
  bool borrowed_ = false;         // data_ belongs to someone else (borrow)
};

}  // namespace hnswkit
