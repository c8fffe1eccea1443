// Per-thread working memory for graph searches: two candidate heaps and a query buffer, reused across searches so
// a search allocates nothing once its thread has warmed up.
//
// Leases come from a per-thread free list rather than one thread_local object, because searches can nest on one
// thread (a JS filter running a search of another index from inside a search).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace hnswkit {

using Candidate = std::pair<float, std::uint32_t>;  // (distance, internal id)

// A binary heap over a reused vector; Closer = true keeps the smallest distance on top.
template <bool Closer>
class CandidateHeap {
 public:
  void clear() { items_.clear(); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const Candidate& top() const { return items_.front(); }
  void push(const Candidate& c) {
    items_.push_back(c);
    std::push_heap(items_.begin(), items_.end(), Order());
  }
  void pop() {
    std::pop_heap(items_.begin(), items_.end(), Order());
    items_.pop_back();
  }
  // Empties the heap into out, closest first.
  void drain_sorted(std::vector<Candidate>& out) {
    std::sort_heap(items_.begin(), items_.end(), Order());
    if (Closer) std::reverse(items_.begin(), items_.end());
    out.assign(items_.begin(), items_.end());
    items_.clear();
  }

 private:
  struct Order {
    bool operator()(const Candidate& a, const Candidate& b) const {
      return Closer ? a.first > b.first : a.first < b.first;
    }
  };
  std::vector<Candidate> items_;
};

struct SearchScratch {
  std::vector<float> query;          // the query in its search form (Space::encode_query)
  CandidateHeap<true> candidates;    // to expand, closest on top
  CandidateHeap<false> found;        // best so far, farthest on top
  CandidateHeap<false> within;       // a range search's hits so far, farthest on top
  std::vector<Candidate> result;     // the last search's result, closest first
  std::vector<std::uint32_t> fresh;  // the unvisited neighbours of the element being expanded
};

#ifdef _WIN32
// The calling thread's free list, kept in fiber-local storage whose callback frees it when the thread exits
// (index/search_scratch.cc). mingw-w64's GCC emulates thread_local, and the emulated storage can be freed before a
// thread_local destructor runs at thread exit, which then writes to freed memory; every thread of a parallel batch
// exits when the batch ends, so that would corrupt the heap.
std::vector<std::unique_ptr<SearchScratch>>& scratch_free_list();
#endif

class ScratchLease {
 public:
  ScratchLease() {
    std::vector<std::unique_ptr<SearchScratch>>& pool = free_list();
    if (pool.empty()) {
      scratch_.reset(new SearchScratch());
    } else {
      scratch_ = std::move(pool.back());
      pool.pop_back();
    }
    scratch_->candidates.clear();
    scratch_->found.clear();
    scratch_->within.clear();
  }
  ~ScratchLease() {
    try {
      free_list().push_back(std::move(scratch_));
    } catch (...) {
      // No memory to keep it for later: it is simply freed.
    }
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  SearchScratch* operator->() { return scratch_.get(); }
  SearchScratch& operator*() { return *scratch_; }

 private:
  static std::vector<std::unique_ptr<SearchScratch>>& free_list() {
#ifdef _WIN32
    return scratch_free_list();
#else
    thread_local std::vector<std::unique_ptr<SearchScratch>> pool;
    return pool;
#endif
  }
  std::unique_ptr<SearchScratch> scratch_;
};

}  // namespace hnswkit
