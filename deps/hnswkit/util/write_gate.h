// A shared/exclusive lock that lets a waiting exclusive holder in before any new shared holder.
//
// Adds and deletes hold the index's write gate shared, one row at a time; a save holds it exclusively. With a
// reader-preferring lock (std::shared_mutex on glibc) a stream of rows on several threads always overlaps, so a
// save waited for the whole batch. Here a waiting save stops new rows from starting and gets in as soon as the rows
// in progress finish. A thread must not take the gate shared twice: a save waiting between the two would deadlock
// it. Meets the SharedMutex requirements, so std::shared_lock and std::unique_lock work with it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace hnswkit {

class WriteGate {
 public:
  void lock_shared() {
    std::unique_lock<std::mutex> lock(mutex_);
    wait(shared_cv_, lock, [this] { return writers_waiting_ == 0 && !writer_active_; });
    ++readers_;
  }

  void unlock_shared() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--readers_ == 0 && writers_waiting_ > 0) exclusive_cv_.notify_one();
  }

  void lock() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++writers_waiting_;
    wait(exclusive_cv_, lock, [this] { return readers_ == 0 && !writer_active_; });
    --writers_waiting_;
    writer_active_ = true;
  }

  void unlock() {
    std::lock_guard<std::mutex> lock(mutex_);
    writer_active_ = false;
    if (writers_waiting_ > 0) {
      exclusive_cv_.notify_one();
    } else {
      shared_cv_.notify_all();
    }
  }

 private:
  // condition_variable::wait(lock) has a newer symbol version in GCC 12's libstdc++ (GLIBCXX_3.4.30) than the
  // prebuilt binaries may require; a timed wait binds to what they already use. The period only bounds how long a
  // missed wake-up could last, and none is expected.
  template <typename Ready>
  static void wait(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Ready ready) {
    while (!ready()) cv.wait_for(lock, std::chrono::milliseconds(100));
  }

  std::mutex mutex_;
  std::condition_variable shared_cv_;
  std::condition_variable exclusive_cv_;
  std::size_t readers_ = 0;
  std::size_t writers_waiting_ = 0;
  bool writer_active_ = false;
};

}  // namespace hnswkit
