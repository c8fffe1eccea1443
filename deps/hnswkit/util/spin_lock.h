// A one-byte spin lock, for locks held a few hundred nanoseconds, where spinning beats sleeping: the link-list locks
// (4096 stripes per index, element id modulo 4096: HierarchicalNsw::link_lock) and the label seqlock's writer lock.
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
