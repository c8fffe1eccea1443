// Runs a function over rows 0..n-1 on a fixed number of threads that take rows from a shared cursor.
//
// The first exception thrown by any row is kept and re-thrown after every thread has joined; once it is thrown,
// or once `cancel` reads true, no further rows start. `done` (if given) counts finished rows for progress reports.
//
// A thread takes `chunk` consecutive rows at a time. With one, threads take alternate rows, and rows that are
// short next to the atomic increment, or that write results into the same cache lines as their neighbours (a
// batch search's outputs), make the threads fight over those lines; a few dozen rows per take leave the line
// transfers to the edges of the runs. The last runs can leave a thread idle for up to `chunk` rows' time.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hnswkit {

inline std::size_t default_thread_count() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

template <typename Fn>
void parallel_for(std::size_t n, std::size_t threads, Fn&& fn, const std::atomic<bool>* cancel = nullptr,
                  std::atomic<std::size_t>* done = nullptr, std::size_t chunk = 1) {
  if (chunk == 0) chunk = 1;
  if (threads == 0) threads = default_thread_count();
  threads = std::min(threads, n);
  std::atomic<std::size_t> cursor{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto worker = [&](std::size_t thread_id) {
    for (;;) {
      const std::size_t first = cursor.fetch_add(chunk, std::memory_order_relaxed);
      if (first >= n) return;
      const std::size_t end = n - first < chunk ? n : first + chunk;
      for (std::size_t row = first; row < end; ++row) {
        if (failed.load(std::memory_order_relaxed)) return;
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return;
        try {
          fn(row, thread_id);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!first_error) first_error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
          return;
        }
        if (done != nullptr) done->fetch_add(1, std::memory_order_relaxed);
      }
    }
  };

  if (threads <= 1) {
    worker(0);
  } else {
    std::vector<std::thread> pool;
    try {
      pool.reserve(threads - 1);
      for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    } catch (...) {
      // A thread that cannot start (resource limits) fails the job like a row would; the threads already
      // running see the flag, stop taking rows and are joined below.
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
    worker(0);
    for (std::thread& t : pool) t.join();
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace hnswkit
