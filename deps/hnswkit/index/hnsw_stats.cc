// What an HNSW index reports about itself: its labels, its shape per level, the memory it holds and the counters
// of its searches. Read-only views over the structure hierarchical_nsw*.cc maintain.
#include <mutex>
#include <shared_mutex>

#include "index/hierarchical_nsw.h"
#include "index/link_list.h"

namespace hnswkit {

std::size_t HierarchicalNsw::memory_bytes() const {
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  const std::size_t count = count_.load();
  // Reserved, not necessarily committed: calloc'd pages of unused slots take no memory until touched. A mapped
  // index keeps a level and an upper-list pointer per element; its records and lists are the file's pages.
  std::size_t bytes = kLinkLockStripes * sizeof(SpinLock) + kLabelStripes * sizeof(std::mutex);
  if (read_only()) {
    bytes += count * (sizeof(std::uint8_t*) + sizeof(std::int32_t));
  } else {
    bytes += capacity_ * (record_bytes_ + sizeof(std::uint8_t*) + sizeof(std::int32_t));
    for (std::size_t id = 0; id < count; ++id)
      bytes += static_cast<std::size_t>(level_of(static_cast<std::uint32_t>(id))) * upper_block_bytes_;
  }
  std::lock_guard<std::mutex> lock(labels_mutex_);
  // An unordered_map node holds the pair and a next pointer; the bucket array one pointer per bucket.
  bytes += label_to_id_.size() * (sizeof(std::pair<const std::uint64_t, std::uint32_t>) + 2 * sizeof(void*)) +
           label_to_id_.bucket_count() * sizeof(void*);
  bytes += free_slots_.capacity() * sizeof(std::uint32_t);
  return bytes;
}

std::size_t HierarchicalNsw::footprint_bytes() const {
  const std::size_t count = count_.load(std::memory_order_relaxed);
  constexpr std::size_t kLabelEntry = sizeof(std::pair<const std::uint64_t, std::uint32_t>) + 3 * sizeof(void*);
  constexpr std::size_t kSlot = sizeof(std::uint8_t*) + sizeof(std::int32_t);  // upper-list pointer and level
  if (read_only()) return count * (kSlot + kLabelEntry);
  const std::size_t upper = upper_block_bytes_ / (m_ > 1 ? m_ - 1 : 1);
  return count * (record_bytes_ + kSlot + upper + kLabelEntry);
}

SearchStats HierarchicalNsw::search_stats() const {
  const SearchCounters::Totals t = stats_.sum();
  SearchStats s;
  s.searches = t.searches;
  s.distance_evaluations = t.distance_evaluations;
  s.visited_nodes = t.visited_nodes;
  return s;
}

void HierarchicalNsw::reset_search_stats() { stats_.reset(); }

std::vector<std::uint64_t> HierarchicalNsw::labels(bool include_deleted) const {
  ensure_labels();
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::lock_guard<std::mutex> lock(labels_mutex_);
  std::vector<std::uint64_t> out;
  out.reserve(label_to_id_.size());
  const std::size_t count = count_.load();
  for (std::size_t id = 0; id < count; ++id) {
    const std::uint64_t label = label_of(static_cast<std::uint32_t>(id));
    auto it = label_to_id_.find(label);
    if (it == label_to_id_.end() || it->second != id) continue;
    if (include_deleted || !deleted_flag(static_cast<std::uint32_t>(id))) out.push_back(label);
  }
  return out;
}

std::vector<std::size_t> HierarchicalNsw::level_counts() const {
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::vector<std::size_t> counts;
  const std::size_t count = count_.load();
  for (std::size_t id = 0; id < count; ++id) {
    const std::size_t level = static_cast<std::size_t>(level_of(static_cast<std::uint32_t>(id)));
    if (counts.size() <= level) counts.resize(level + 1, 0);
    for (std::size_t l = 0; l <= level; ++l) ++counts[l];
  }
  return counts;
}

std::vector<double> HierarchicalNsw::mean_out_degree() const {
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::vector<double> links;
  std::vector<std::size_t> members;
  const std::size_t count = count_.load();
  for (std::size_t id = 0; id < count; ++id) {
    const int level = level_of(static_cast<std::uint32_t>(id));
    if (links.size() <= static_cast<std::size_t>(level)) {
      links.resize(level + 1, 0.0);
      members.resize(level + 1, 0);
    }
    for (int l = 0; l <= level; ++l) {
      links[l] += load_count(link_header(static_cast<std::uint32_t>(id), l));
      ++members[l];
    }
  }
  for (std::size_t l = 0; l < links.size(); ++l) links[l] = members[l] ? links[l] / members[l] : 0.0;
  return links;
}

}  // namespace hnswkit
