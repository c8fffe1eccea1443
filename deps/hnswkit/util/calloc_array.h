// A zero-initialised array of trivially copyable values in calloc'd memory: pages the program never touches are
// never committed, so a large capacity costs address space, not memory, until elements arrive.
#pragma once

#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

namespace hnswkit {

template <typename T>
class CallocArray {
  static_assert(std::is_trivially_copyable<T>::value, "CallocArray holds plain values only");

 public:
  CallocArray() = default;
  ~CallocArray() { std::free(data_); }
  CallocArray(const CallocArray&) = delete;
  CallocArray& operator=(const CallocArray&) = delete;

  // Allocates n zeroed elements into an empty array; false if the memory cannot be had.
  bool allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) return false;
    data_ = static_cast<T*>(std::calloc(n == 0 ? 1 : n, sizeof(T)));
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
  }

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace hnswkit
