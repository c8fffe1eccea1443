// Visited sets for graph searches: epoch-tagged arrays reused across searches, so a search neither allocates nor
// clears an array of the index's capacity.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "util/calloc_array.h"

namespace hnswkit {

class VisitedList {
 public:
  // Throws std::bad_alloc if the tags cannot be allocated; untouched tag pages cost no memory.
  explicit VisitedList(std::size_t capacity) : capacity_(capacity) {
    if (!tags_.allocate(capacity)) throw std::bad_alloc();
  }

  // Starts a new search: every id reads as unvisited. A full clear happens once every 65535 searches.
  void reset() {
    if (++epoch_ == 0) {
      std::memset(tags_.data(), 0, capacity_ * sizeof(std::uint16_t));
      epoch_ = 1;
    }
  }
  bool visited(std::uint32_t id) const { return tags_[id] == epoch_; }
  void mark(std::uint32_t id) { tags_[id] = epoch_; }
  // Marks id and tells whether it was already marked.
  bool test_and_mark(std::uint32_t id) {
    if (tags_[id] == epoch_) return true;
    tags_[id] = epoch_;
    return false;
  }
  const std::uint16_t* tag_address(std::uint32_t id) const { return &tags_[id]; }
  // The raw form of the above, for loops with atomic loads in them, which would make the compiler read both
  // members again for every id: tags()[id] == epoch() means visited, and writing epoch() there marks it.
  std::uint16_t* tags() { return tags_.data(); }
  std::uint16_t epoch() const { return epoch_; }
  std::size_t capacity() const { return capacity_; }

 private:
  CallocArray<std::uint16_t> tags_;
  std::size_t capacity_;
  std::uint16_t epoch_ = 0;
};

// A pool of visited lists for one capacity. Thread-safe; lists return to the pool when the lease ends.
class VisitedPool {
 public:
  explicit VisitedPool(std::size_t capacity) : capacity_(capacity) {}

  class Lease {
   public:
    Lease(VisitedPool* pool, std::unique_ptr<VisitedList> list) : pool_(pool), list_(std::move(list)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (list_) pool_->give_back(std::move(list_));
    }
    VisitedList& operator*() { return *list_; }
    VisitedList* operator->() { return list_.get(); }

   private:
    VisitedPool* pool_;
    std::unique_ptr<VisitedList> list_;
  };

  Lease acquire() {
    std::unique_ptr<VisitedList> list;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        list = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!list) list.reset(new VisitedList(capacity_));
    list->reset();
    return Lease(this, std::move(list));
  }

 private:
  void give_back(std::unique_ptr<VisitedList> list) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(list));
  }

  std::size_t capacity_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<VisitedList>> free_;
};

}  // namespace hnswkit
