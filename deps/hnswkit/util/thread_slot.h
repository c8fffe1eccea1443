// A small number for the calling thread, for spreading per-thread state over a fixed array of slots, each on a
// cache line of its own (search statistics, visited lists): two threads that search at the same time then write
// different lines, where one shared counter or pool head would bounce between their cores on every search.
//
// Threads are numbered in the order they first ask, so the threads of one batch, started together, get
// consecutive numbers and so different slots. Two threads may still share a slot (more threads than slots, or
// numbers that wrap); every user stays correct then, and only loses the separation.
#pragma once

#include <atomic>
#include <cstddef>

namespace hnswkit {

// One cache line, and the unit the hardware's adjacent-line prefetch pairs on some CPUs: slots this far apart
// never share a line.
inline constexpr std::size_t kSlotAlign = 128;

inline std::size_t thread_number() {
  static std::atomic<std::size_t> next{0};
  // A plain integer: no destructor, so nothing for an emulated thread_local (mingw-w64) to run at thread exit.
  thread_local std::size_t number = next.fetch_add(1, std::memory_order_relaxed);
  return number;
}

// The calling thread's slot in an array of `slots` entries.
inline std::size_t thread_slot(std::size_t slots) { return thread_number() % slots; }

}  // namespace hnswkit
