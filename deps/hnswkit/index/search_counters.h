// The search statistics of one index (getStats): how many searches, distance evaluations and expanded elements.
//
// Every search adds to them, so one set of shared atomics would be written by every thread on every search and
// its cache line would move between the cores of a batch all the time (and the lines next to it with it). Each
// thread adds instead to a slot of its own (thread_slot), one cache line per slot, and a read sums the slots: the
// totals are exactly those of shared counters. The adds stay atomic (relaxed), because two threads can share a
// slot and a read or reset can run during searches; a read during searches sees some of them, as before.
#pragma once

#include <atomic>
#include <cstdint>

#include "util/thread_slot.h"

namespace hnswkit {

class SearchCounters {
 public:
  static constexpr std::size_t kSlots = 16;

  struct Totals {
    std::uint64_t searches = 0;
    std::uint64_t distance_evaluations = 0;
    std::uint64_t visited_nodes = 0;
  };

  void add(std::uint64_t searches, std::uint64_t distance_evaluations, std::uint64_t visited_nodes) {
    Slot& slot = slots_[thread_slot(kSlots)];
    slot.searches.fetch_add(searches, std::memory_order_relaxed);
    slot.distances.fetch_add(distance_evaluations, std::memory_order_relaxed);
    slot.visited.fetch_add(visited_nodes, std::memory_order_relaxed);
  }

  Totals sum() const {
    Totals t;
    for (const Slot& slot : slots_) {
      t.searches += slot.searches.load(std::memory_order_relaxed);
      t.distance_evaluations += slot.distances.load(std::memory_order_relaxed);
      t.visited_nodes += slot.visited.load(std::memory_order_relaxed);
    }
    return t;
  }

  void reset() {
    for (Slot& slot : slots_) {
      slot.searches.store(0, std::memory_order_relaxed);
      slot.distances.store(0, std::memory_order_relaxed);
      slot.visited.store(0, std::memory_order_relaxed);
    }
  }

 private:
  struct alignas(kSlotAlign) Slot {
    std::atomic<std::uint64_t> searches{0}, distances{0}, visited{0};
  };
  Slot slots_[kSlots];
};

}  // namespace hnswkit
