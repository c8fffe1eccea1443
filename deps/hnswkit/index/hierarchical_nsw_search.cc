// HNSW search (Malkov & Yashunin, arXiv 1603.09320, Alg. 2 and 5): the greedy descent through the upper levels,
// the beam search on one level that insertion and queries share, the query itself, and the range search.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "index/hierarchical_nsw.h"
#include "index/link_list.h"
#include "util/prefetch.h"

namespace hnswkit {

// The searches below are bound by memory: at 784-d a vector is 49 cache lines, read from anywhere in the index.
// So they expand an element in two passes, first testing every neighbour's visited tag (the tags prefetched
// together), then computing the distances to the unvisited ones with the vectors two places ahead on their way
// (for_each_distance). hnswlib prefetches only the first line of the next neighbour, which leaves the rest of a
// long vector to the hardware prefetcher, one miss at a time.

std::size_t HierarchicalNsw::take_unvisited(const std::uint8_t* header, int level, VisitedList& visited,
                                            std::vector<std::uint32_t>& fresh) const {
  // Both bounds hold for every list an index in memory writes; they matter for a mapped file that another process
  // rewrites underneath, whose counts and ids may then be anything.
  const std::size_t n = std::min<std::size_t>(load_count(header), max_links(level));
  if (fresh.size() < n) fresh.resize(n);
  std::uint32_t* out = fresh.data();
  // The list may be rewritten between the two passes; then a prefetch was wasted, nothing more, because the id that
  // is tested is the id that is handed on.
  std::uint16_t* tags = visited.tags();
  const std::uint16_t epoch = visited.epoch();
  const std::uint32_t bound = link_bound_;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = load_id(header, i);
    if (id < bound) prefetch(tags + id);
  }
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = load_id(header, i);
    if (id < bound && tags[id] != epoch) {
      tags[id] = epoch;
      out[count++] = id;
    }
  }
  return count;
}

void HierarchicalNsw::prefetch_vector(std::uint32_t id) const {
  constexpr std::uintptr_t kLine = 64;
  const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(vector_of(id));
  const std::uintptr_t end = start + space_.vector_bytes();
  for (std::uintptr_t line = start & ~(kLine - 1); line < end; line += kLine) {
    prefetch(reinterpret_cast<const void*>(line));
  }
}

// The first kAhead vectors are requested in full up front, every later one by the kernel comparing the vector
// kAhead places before it, spread over its loop (AheadKernelFn); one place ahead leaves much of each vector's
// latency exposed, three gain nothing over two.
template <typename IdAt, typename Visit>
void HierarchicalNsw::for_each_distance(Probe probe, std::size_t count, IdAt&& id_at, Visit&& visit) const {
  constexpr std::size_t kAhead = 2;
  for (std::size_t i = 0; i < count && i < kAhead; ++i) prefetch_vector(id_at(i));
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t id = id_at(i);
    const char* vector = vector_of(id);
    visit(id, probe_distance(probe, vector, i + kAhead < count ? vector_of(id_at(i + kAhead)) : nullptr));
  }
}

Candidate HierarchicalNsw::greedy_descent(Probe probe, std::uint32_t entry, int from_level, int stop_level,
                                          SearchStats* stats) const {
  Candidate best{probe_distance(probe, vector_of(entry)), entry};
  std::uint64_t evaluations = 1;
  for (int level = from_level; level > stop_level; --level) {
    bool improved = true;
    while (improved) {
      improved = false;
      const std::uint8_t* header = link_header(best.second, level);
      const std::size_t n = std::min<std::size_t>(load_count(header), max_m_);
      // Straight from the list: an upper list is short, and an id read twice (once to prefetch) may differ
      // between the reads if the list changes, which costs a wasted prefetch and nothing else. An id that does not
      // name an element of this level (only in a mapped file rewritten underneath) reads as the current element,
      // which is never an improvement.
      const auto id_at = [&](std::size_t i) {
        const std::uint32_t id = load_id(header, i);
        return id < link_bound_ && level_of(id) >= level ? id : best.second;
      };
      for_each_distance(probe, n, id_at, [&](std::uint32_t candidate, float d) {
        if (d < best.first) {
          best = {d, candidate};
          improved = true;
        }
      });
      evaluations += n;
    }
  }
  if (stats != nullptr) stats->distance_evaluations += evaluations;
  return best;
}

// Both searches spend their time here, so both get the same memory handling: the visited tags and vectors as
// above, and the link list of whichever candidate is now closest, which is the one expanded next unless a closer
// one turns up first. admit is a lambda the compiler inlines; for construction it is a constant true.
template <typename Admit>
BeamWork HierarchicalNsw::beam_search(Probe probe, std::size_t ef, int level, VisitedList& visited,
                                      SearchScratch& scratch, Admit&& admit) const {
  CandidateHeap<true>& candidates = scratch.candidates;
  CandidateHeap<false>& found = scratch.found;
  std::vector<std::uint32_t>& fresh = scratch.fresh;
  const auto fresh_at = [&fresh](std::size_t i) { return fresh[i]; };
  BeamWork work;
  while (!candidates.empty()) {
    const Candidate current = candidates.top();
    if (found.size() >= ef && current.first > found.top().first) break;
    candidates.pop();
    ++work.expanded;

    const std::size_t count = take_unvisited(link_header(current.second, level), level, visited, fresh);
    for_each_distance(probe, count, fresh_at, [&](std::uint32_t next, float d) {
      if (found.size() < ef || d < found.top().first) {
        candidates.push({d, next});
        prefetch(link_header(candidates.top().second, level));
        if (admit(next)) {
          found.push({d, next});
          if (found.size() > ef) found.pop();
        }
      }
    });
    work.evaluations += count;
  }
  return work;
}

std::vector<Candidate> HierarchicalNsw::search_layer(Probe probe, const std::vector<Candidate>& seeds, std::size_t ef,
                                                     int level, std::uint32_t exclude) const {
  VisitedPool::Lease visited = visited_->acquire();
  ScratchLease scratch;
  CandidateHeap<true>& candidates = scratch->candidates;
  CandidateHeap<false>& found = scratch->found;

  for (const Candidate& seed : seeds) {
    if (visited->test_and_mark(seed.second)) continue;
    candidates.push(seed);
    if (seed.second != exclude) found.push(seed);
  }
  // Marked visited, the element being linked is never reached through a link, so it cannot enter its own result.
  if (exclude != kNoEntry) visited->mark(exclude);
  while (found.size() > ef) found.pop();

  beam_search(probe, ef, level, *visited, *scratch, [](std::uint32_t) { return true; });

  std::vector<Candidate> result;
  found.drain_sorted(result);
  return result;  // closest first
}

void HierarchicalNsw::search_base_for_query(const float* query, Candidate entry, std::size_t ef,
                                            const LabelFilter* filter, SearchStats* stats,
                                            SearchScratch& scratch) const {
  VisitedPool::Lease visited = visited_->acquire();
  const Admission admissible = admission(filter);

  visited->mark(entry.second);
  scratch.candidates.push(entry);
  if (admissible(entry.second)) scratch.found.push(entry);
  // Deleted and filtered-out elements are still walked through (they keep the graph connected) but never enter
  // `found`; so the search cannot stop just because `found` is short, only once it is full and nothing closer is
  // left to expand.
  const BeamWork work = beam_search({query, true}, ef, 0, *visited, scratch, admissible);
  if (stats != nullptr) {
    stats->distance_evaluations += work.evaluations;
    stats->visited_nodes += work.expanded;
  }
  scratch.found.drain_sorted(scratch.result);
}

SearchHits HierarchicalNsw::hits_of(const std::vector<Candidate>& found) const {
  SearchHits hits;
  hits.reserve(found.size());
  for (const Candidate& c : found) hits.push_back({c.first, label_of(c.second)});
  // Equal distances come out in ascending label order, whatever order the graph walk found them in.
  std::sort(hits.begin(), hits.end(), hit_before);
  return hits;
}

SearchHits HierarchicalNsw::search(const float* query, std::size_t k, const LabelFilter* filter, std::size_t ef) const {
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  SearchHits hits;
  if (k == 0) return hits;
  const std::uint32_t entry = entry_.load(std::memory_order_acquire);
  if (entry == kNoEntry) return hits;

  ScratchLease scratch;
  scratch->query.resize(space_.query_words());
  space_.encode_query(query, scratch->query.data());
  const float* q = scratch->query.data();

  SearchStats stats;
  const Candidate start = greedy_descent({q, true}, entry, level_of(entry), 0, &stats);
  const std::size_t width = std::max(ef == 0 ? this->ef() : ef, k);
  search_base_for_query(q, start, width, filter, &stats, *scratch);

  hits = hits_of(scratch->result);
  if (hits.size() > k) hits.resize(k);

  stats_.add(1, stats.distance_evaluations, stats.visited_nodes);
  check_mapping();
  return hits;
}

std::vector<std::uint32_t> HierarchicalNsw::live_ids(const std::uint64_t* labels, std::size_t n) const {
  ensure_labels();
  std::vector<std::uint32_t> ids;
  ids.reserve(n);
  {
    std::lock_guard<std::mutex> lock(labels_mutex_);
    for (std::size_t i = 0; i < n; ++i) {
      auto it = label_to_id_.find(labels[i]);
      if (it != label_to_id_.end() && !deleted_flag(it->second)) ids.push_back(it->second);
    }
  }
  // Ascending ids read the records in address order; a label listed twice is compared once.
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

SearchHits HierarchicalNsw::search_among(const float* query, std::size_t k, const std::vector<std::uint32_t>& ids,
                                         const LabelFilter* filter) const {
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  SearchHits hits;
  if (k == 0 || ids.empty()) return hits;
  ScratchLease scratch;
  scratch->query.resize(space_.query_words());
  space_.encode_query(query, scratch->query.data());
  CandidateHeap<false>& found = scratch->found;
  const Admission admissible = admission(filter);
  const std::size_t count = element_count();
  // Ids come from live_ids on this index, so below its count; the check keeps a stale list harmless all the same.
  const auto id_at = [&](std::size_t i) { return ids[i] < count ? ids[i] : ids[0]; };
  for_each_distance({scratch->query.data(), true}, ids.size(), id_at, [&](std::uint32_t id, float d) {
    if ((found.size() >= k && !(d < found.top().first)) || !admissible(id)) return;
    found.push({d, id});
    if (found.size() > k) found.pop();
  });
  found.drain_sorted(scratch->result);
  hits = hits_of(scratch->result);
  stats_.add(1, ids.size(), 0);
  check_mapping();
  return hits;
}

std::size_t HierarchicalNsw::exact_search_limit(std::size_t width) const {
  // A graph walk admitting a share p of the elements must pass about E / p of them to fill its beam, E growing with
  // the width; the exact pass compares s = p * count. They cost the same where s * s = c * width * count, and below
  // that the exact pass is cheaper. `node bench/filters.js --crossover` (Fashion-MNIST, 60,000 x 784, each query
  // with its own list, one thread, AMD EPYC) found the two equal at 1,779 / 3,247 / 5,513 labels for ef 10 / 40 /
  // 120: c = 5.3 / 4.4 / 4.2, the same c across a 12-fold change of width, as the model says.
  constexpr double kCrossover = 4.5;
  const double limit = std::sqrt(kCrossover * static_cast<double>(std::max<std::size_t>(width, 1)) *
                                 static_cast<double>(element_count()));
  return static_cast<std::size_t>(limit);
}

// A range search cannot be a beam search of some width followed by a cut at the radius: with more elements within
// the radius than the beam holds, the beam drops some of them (marked visited, they are never reached again), and
// nothing tells in advance how many there are. So the walk keeps two sets. Every element reached within the radius
// (deleted and filtered-out ones too, which keep the graph connected) is expanded, which is a breadth-first walk of
// the ball around the query; beside it runs a beam of the `width` closest elements reached beyond the radius,
// expanded as a k-nn search would, which both leads a query from a distant entry point into the ball and crosses the
// gaps where the ball's elements link to each other only through elements just outside it. The walk ends once the
// closest candidate left is beyond the radius and farther than the whole beam. Once max_results hits are held, the
// radius shrinks to the farthest of them, so a small max_results costs what a k-nn search of that k does.
void HierarchicalNsw::range_walk(const float* query, Candidate entry, float radius, std::size_t max_results,
                                 std::size_t width, const LabelFilter* filter, SearchStats* stats,
                                 SearchScratch& scratch) const {
  VisitedPool::Lease visited = visited_->acquire();
  const Admission admissible = admission(filter);
  CandidateHeap<true>& candidates = scratch.candidates;
  CandidateHeap<false>& beyond = scratch.found;
  CandidateHeap<false>& within = scratch.within;
  const auto bound = [&] { return within.size() >= max_results ? std::min(radius, within.top().first) : radius; };
  const auto reach = [&](std::uint32_t id, float d) {
    if (d <= bound()) {
      candidates.push({d, id});
      if (admissible(id)) {
        within.push({d, id});
        if (within.size() > max_results) within.pop();
      }
    } else if (beyond.size() < width || d < beyond.top().first) {
      candidates.push({d, id});
      beyond.push({d, id});
      if (beyond.size() > width) beyond.pop();
    }
  };

  visited->mark(entry.second);
  reach(entry.second, entry.first);
  std::vector<std::uint32_t>& fresh = scratch.fresh;
  const auto fresh_at = [&fresh](std::size_t i) { return fresh[i]; };
  BeamWork work;
  while (!candidates.empty()) {
    const Candidate current = candidates.top();
    if (current.first > bound() && beyond.size() >= width && current.first > beyond.top().first) break;
    candidates.pop();
    ++work.expanded;
    const std::size_t count = take_unvisited(link_header(current.second, 0), 0, *visited, fresh);
    for_each_distance({query, true}, count, fresh_at, [&](std::uint32_t next, float d) {
      reach(next, d);
      if (!candidates.empty()) prefetch(link_header(candidates.top().second, 0));
    });
    work.evaluations += count;
  }
  if (stats != nullptr) {
    stats->distance_evaluations += work.evaluations;
    stats->visited_nodes += work.expanded;
  }
  beyond.clear();
  candidates.clear();
  within.drain_sorted(scratch.result);
}

SearchHits HierarchicalNsw::search_range(const float* query, float radius, std::size_t max_results,
                                         const LabelFilter* filter, std::size_t ef) const {
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  SearchHits hits;
  const std::uint32_t entry = entry_.load(std::memory_order_acquire);
  if (entry == kNoEntry) return hits;
  if (max_results == 0) max_results = std::numeric_limits<std::size_t>::max();

  ScratchLease scratch;
  scratch->query.resize(space_.query_words());
  space_.encode_query(query, scratch->query.data());
  const float* q = scratch->query.data();

  SearchStats stats;
  const Candidate start = greedy_descent({q, true}, entry, level_of(entry), 0, &stats);
  const std::size_t width = std::max<std::size_t>(ef == 0 ? this->ef() : ef, 1);
  range_walk(q, start, radius, max_results, width, filter, &stats, *scratch);

  hits = hits_of(scratch->result);

  stats_.add(1, stats.distance_evaluations, stats.visited_nodes);
  check_mapping();
  return hits;
}

}  // namespace hnswkit
