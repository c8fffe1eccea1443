// A set of labels used as a native search filter (an allow-list or a deny-list), safe to read from many threads.
//
// Dense small labels (the common case: 0..n-1) go into a bitmap, one bit per label up to the largest; sparse or
// huge labels go into a sorted array searched by bisection. Either way a lookup touches one or a few cache lines.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "index/search_types.h"

namespace hnswkit {

class LabelSet : public LabelFilter {
 public:
  enum class Mode { kAllow, kDeny };

  LabelSet(std::vector<std::uint64_t> labels, Mode mode) : mode_(mode) {
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    const std::uint64_t largest = labels.empty() ? 0 : labels.back();
    // A bitmap costs largest/8 bytes; use it while that is no more than the sorted array's 8 bytes per label
    // (with a 1 MiB allowance so small sets of small labels always get it).
    if (largest < (std::uint64_t{1} << 32) && largest / 8 <= std::max<std::uint64_t>(labels.size() * 8, 1u << 20)) {
      bits_.assign(static_cast<std::size_t>(largest / 64 + 1), 0);
      for (std::uint64_t label : labels) bits_[label / 64] |= std::uint64_t{1} << (label % 64);
    } else {
      sorted_ = std::move(labels);
    }
  }

  bool contains(std::uint64_t label) const {
    if (!bits_.empty() || sorted_.empty()) {
      const std::uint64_t word = label / 64;
      return word < bits_.size() && ((bits_[static_cast<std::size_t>(word)] >> (label % 64)) & 1u) != 0;
    }
    return std::binary_search(sorted_.begin(), sorted_.end(), label);
  }

  bool allowed(std::uint64_t label) const override { return contains(label) == (mode_ == Mode::kAllow); }

 private:
  Mode mode_;
  std::vector<std::uint64_t> bits_;
  std::vector<std::uint64_t> sorted_;
};

}  // namespace hnswkit
