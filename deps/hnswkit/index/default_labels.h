// The labels an add that was given none receives, for both index kinds: consecutive from the element count (so an
// index filled only with default labels numbers them 0, 1, 2, ... as Python hnswlib's add_items does), or from past
// the last label reserved before if that is higher, skipping every label the index holds. Not thread-safe: each
// index calls it under the lock that guards its label map.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace hnswkit {

class DefaultLabels {
 public:
  // Notes that the index now holds label.
  void note_held(std::uint64_t label) {
    const std::uint64_t end = label == std::numeric_limits<std::uint64_t>::max() ? label : label + 1;
    held_end_ = std::max(held_end_, end);
  }

  // Writes n labels to out[0..n); count is the index's element count, held(label) whether it holds label.
  template <typename Held>
  void reserve(std::uint64_t count, std::size_t n, std::uint64_t* out, Held&& held) {
    std::uint64_t next = std::max(reserved_end_, count);
    for (std::size_t i = 0; i < n; ++i) {
      // Above held_end_ nothing is held, so the usual case (default labels only) never looks anything up.
      while (next < held_end_ && held(next)) ++next;
      out[i] = next++;
    }
    reserved_end_ = std::max(reserved_end_, next);
  }

 private:
  std::uint64_t held_end_ = 0;      // above every label ever held (saturating at 2^64-1)
  std::uint64_t reserved_end_ = 0;  // one past the last label reserved
};

}  // namespace hnswkit
