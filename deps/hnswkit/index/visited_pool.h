// Visited sets for graph searches: epoch-tagged arrays reused across searches, so a search neither allocates nor
// clears an array of the index's capacity.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "util/calloc_array.h"
#include "util/thread_slot.h"

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
//
// A thread gives its list back to a slot of its own (thread_slot) and takes it from there next time, with one
// uncontended exchange: the list's tags stay in that core's cache, and searching threads share no lock. From a
// single shared stack instead, two threads searching together would swap lists about every other search, so the
// tags one core had just written would be read by the other, and both would contend for the stack's mutex. Only
// when its slot is empty does a thread look in the shared stack and then the other slots; a list is allocated
// only if all of them were empty, so there are about as many lists as searches ever ran at once (a list put back
// while another thread was looking can make one more).
class VisitedPool {
 public:
  static constexpr std::size_t kSlots = 16;

  explicit VisitedPool(std::size_t capacity) : capacity_(capacity) {}
  ~VisitedPool() {
    for (Slot& slot : slots_) delete slot.list.load(std::memory_order_relaxed);
  }
  VisitedPool(const VisitedPool&) = delete;
  VisitedPool& operator=(const VisitedPool&) = delete;

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
    const std::size_t home = thread_slot(kSlots);
    std::unique_ptr<VisitedList> list(slots_[home].list.exchange(nullptr, std::memory_order_acquire));
    if (!list) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        list = std::move(free_.back());
        free_.pop_back();
      }
    }
    for (std::size_t i = 1; !list && i < kSlots; ++i) {
      Slot& slot = slots_[(home + i) % kSlots];
      if (slot.list.load(std::memory_order_relaxed) != nullptr) {
        list.reset(slot.list.exchange(nullptr, std::memory_order_acquire));
      }
    }
    if (!list) list.reset(new VisitedList(capacity_));
    list->reset();
    return Lease(this, std::move(list));
  }

 private:
  // Release on the way in, acquire on the way out: the next user sees the tags and epoch this one left.
  void give_back(std::unique_ptr<VisitedList> list) {
    Slot& slot = slots_[thread_slot(kSlots)];
    VisitedList* empty = nullptr;
    if (slot.list.compare_exchange_strong(empty, list.get(), std::memory_order_release, std::memory_order_relaxed)) {
      list.release();
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(list));
  }

  struct alignas(kSlotAlign) Slot {
    std::atomic<VisitedList*> list{nullptr};
  };

  std::size_t capacity_;
  Slot slots_[kSlots];
  std::mutex mutex_;
  std::vector<std::unique_ptr<VisitedList>> free_;
};

}  // namespace hnswkit
