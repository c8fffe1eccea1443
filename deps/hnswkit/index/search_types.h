// Types shared by every index kind: a search hit and the label filter a search may consult.
#pragma once

#include <cstdint>
#include <vector>

namespace hnswkit {

struct Neighbor {
  float distance;
  std::uint64_t label;
};

// Hits sorted closest first; equal distances in ascending label order.
using SearchHits = std::vector<Neighbor>;

// That order: whether a comes before b. Also the order of the heaps that keep the best hits, so that a cut at k
// keeps the lowest labels among equal distances.
inline bool hit_before(const Neighbor& a, const Neighbor& b) {
  return a.distance < b.distance || (a.distance == b.distance && a.label < b.label);
}

// Decides which labels a search may return. Called at level 0 only, possibly from several threads at once for a
// batch search (implementations used that way must be thread-safe); a synchronous caller may throw from allowed(),
// which aborts the search and propagates.
class LabelFilter {
 public:
  virtual ~LabelFilter() = default;
  virtual bool allowed(std::uint64_t label) const = 0;
};

}  // namespace hnswkit
