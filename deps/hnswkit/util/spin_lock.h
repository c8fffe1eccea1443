// A one-byte lock for per-element link lists: held for a few hundred nanoseconds, so spinning beats sleeping and
// millions of them cost a byte each.
#pragma once

#include <atomic>
#include <thread>

namespace hnswkit {

class SpinLock {
 public:
  void lock() {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (++spins > 64) std::this_thread::yield();
      }
    }
  }
  void unlock() { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace hnswkit
