// HNSW insertion, search, deletion and resizing (Malkov & Yashunin, arXiv 1603.09320, Alg. 1-4).
#include "index/hierarchical_nsw.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <thread>

#include "index/link_list.h"
#include "util/error.h"

namespace hnswkit {
namespace {

inline void prefetch(const void* address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#else
  (void)address;
#endif
}

std::string count_text(std::size_t n) { return std::to_string(n); }

}  // namespace

// Under ThreadSanitizer (scripts/test-tsan.sh), the runtime's annotations for the one race the design accepts
// (overwrite_vector).
#if defined(__SANITIZE_THREAD__)
#define HNSWKIT_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HNSWKIT_UNDER_TSAN 1
#endif
#endif
#ifdef HNSWKIT_UNDER_TSAN
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif


HierarchicalNsw::HierarchicalNsw(const Space& space, const HnswParams& params)
    : space_(space),
      m_(params.m),
      max_m_(params.m),
      max_m0_(params.m * 2),
      ef_construction_(std::max(params.ef_construction, params.m)),
      level_mult_(0),
      allow_replace_deleted_(params.allow_replace_deleted),
      link_locks_(new SpinLock[kLinkLockStripes]),
      label_stripes_(new std::mutex[kLabelStripes]),
      level_rng_(params.random_seed) {
  if (params.m < 2 || params.m > kMaxM) {
    throw Error(ErrorCode::kInvalidArgument,
                "M must be between 2 and " + count_text(kMaxM) + ", got " + count_text(params.m));
  }
  if (params.max_elements > kNoEntry) {
    throw Error(ErrorCode::kInvalidArgument, "maxElements must be below 2^32, got " + count_text(params.max_elements));
  }
  level_mult_ = 1.0 / std::log(static_cast<double>(m_));
  links0_bytes_ = 4 + 4 * max_m0_;
  vector_offset_ = links0_bytes_;
  label_offset_ = vector_offset_ + space_.vector_bytes();
  record_bytes_ = label_offset_ + sizeof(std::uint64_t);
  upper_block_bytes_ = 4 + 4 * max_m_;
  reallocate(params.max_elements);
}

HierarchicalNsw::~HierarchicalNsw() {
  const std::size_t extent = upper_extent_.load(std::memory_order_relaxed);
  for (std::size_t id = 0; id < extent; ++id) delete[] upper_[id];
}

void HierarchicalNsw::set_upper(std::uint32_t id, std::uint8_t* lists) {
  delete[] upper_[id];
  upper_[id] = lists;
  if (lists == nullptr) return;
  // Inserts on other threads raise it too; relaxed, because only exclusive holders (resize, the destructor) read it.
  std::size_t extent = upper_extent_.load(std::memory_order_relaxed);
  while (id >= extent && !upper_extent_.compare_exchange_weak(extent, static_cast<std::size_t>(id) + 1,
                                                              std::memory_order_relaxed)) {
  }
}

// ---- record access ------------------------------------------------------------------------------------------

std::uint8_t* HierarchicalNsw::link_header(std::uint32_t id, int level) const {
  if (level == 0) return reinterpret_cast<std::uint8_t*>(record(id));
  return upper_[id] + static_cast<std::size_t>(level - 1) * upper_block_bytes_;
}

// The label sits at label_offset_ = 4 + 8*m + 4*dim, a multiple of 4 but not always of 8, and a 64-bit atomic access
// there is not allowed (it may tear across a cache line, or not be lock-free). So it is read and written as two
// 32-bit atomic halves, in host order like the record's other fields. Searches read labels without locks, and a
// slot that replace_deleted renews changes its label while a search that admitted the element before its deletion
// may still read it; two halves alone could then give half of each label. A seqlock closes that: set_label makes
// label_seq_ odd, writes both halves with release stores and makes it even again; label_of loads the sequence
// (acquire), both halves (acquire, so the second load of the sequence cannot move before them) and the sequence
// again, and retries if it was odd or changed. A reader that saw any half of a new label has synchronised with
// its writer's odd store, so the second load tells it. On x86-64 all of this is plain MOVs; the writers, one
// insert or reuse at a time per index, take label_write_lock_ for four stores.
bool HierarchicalNsw::try_label_of(std::uint32_t id, std::uint64_t& label) const {
  const std::uint32_t* halves = reinterpret_cast<const std::uint32_t*>(record(id) + label_offset_);
  const std::uint32_t seq = label_seq_.load(std::memory_order_acquire);
  std::uint32_t words[2];
#if defined(__GNUC__) || defined(__clang__)
  words[0] = __atomic_load_n(halves, __ATOMIC_ACQUIRE);
  words[1] = __atomic_load_n(halves + 1, __ATOMIC_ACQUIRE);
#else
  words[0] = static_cast<const volatile std::uint32_t*>(halves)[0];
  words[1] = static_cast<const volatile std::uint32_t*>(halves)[1];
#endif
  if ((seq & 1u) != 0 || label_seq_.load(std::memory_order_relaxed) != seq) return false;
  std::memcpy(&label, words, sizeof(label));
  return true;
}

std::uint64_t HierarchicalNsw::label_of_retrying(std::uint32_t id) const {
  std::uint64_t label;
  for (int spins = 0; !try_label_of(id, label); ++spins) {
    if (spins > 64) std::this_thread::yield();  // the writer was descheduled mid-write
  }
  return label;
}

void HierarchicalNsw::set_label(std::uint32_t id, std::uint64_t label) {
  std::uint32_t words[2];
  std::memcpy(words, &label, sizeof(label));
  std::uint32_t* halves = reinterpret_cast<std::uint32_t*>(record(id) + label_offset_);
  std::lock_guard<SpinLock> lock(label_write_lock_);
  const std::uint32_t seq = label_seq_.load(std::memory_order_relaxed);
  label_seq_.store(seq + 1, std::memory_order_relaxed);
#if defined(__GNUC__) || defined(__clang__)
  __atomic_store_n(halves, words[0], __ATOMIC_RELEASE);
  __atomic_store_n(halves + 1, words[1], __ATOMIC_RELEASE);
#else
  static_cast<volatile std::uint32_t*>(halves)[0] = words[0];
  static_cast<volatile std::uint32_t*>(halves)[1] = words[1];
#endif
  label_seq_.store(seq + 2, std::memory_order_release);
}

bool HierarchicalNsw::deleted_flag(std::uint32_t id) const {
  const std::uint8_t* flags = reinterpret_cast<const std::uint8_t*>(record(id)) + 2;
#if defined(__GNUC__) || defined(__clang__)
  return (__atomic_load_n(flags, __ATOMIC_ACQUIRE) & 1u) != 0;
#else
  return (*reinterpret_cast<const volatile std::uint8_t*>(flags) & 1u) != 0;
#endif
}

void HierarchicalNsw::set_deleted_flag(std::uint32_t id, bool deleted) {
  std::uint8_t* flags = reinterpret_cast<std::uint8_t*>(record(id)) + 2;
#if defined(__GNUC__) || defined(__clang__)
  if (deleted) {
    __atomic_fetch_or(flags, std::uint8_t{1}, __ATOMIC_RELEASE);
  } else {
    __atomic_fetch_and(flags, static_cast<std::uint8_t>(~1u), __ATOMIC_RELEASE);
  }
#else
  *flags = deleted ? (*flags | 1u) : (*flags & ~1u);
#endif
}

int HierarchicalNsw::level_of(std::uint32_t id) const {
#if defined(__GNUC__) || defined(__clang__)
  return __atomic_load_n(&levels_[id], __ATOMIC_ACQUIRE);
#else
  return *static_cast<const volatile std::int32_t*>(&levels_[id]);
#endif
}

void HierarchicalNsw::set_level(std::uint32_t id, int level) {
#if defined(__GNUC__) || defined(__clang__)
  __atomic_store_n(&levels_[id], level, __ATOMIC_RELEASE);
#else
  *static_cast<volatile std::int32_t*>(&levels_[id]) = level;
#endif
}

int HierarchicalNsw::max_level() const {
  const std::uint32_t entry = entry_.load(std::memory_order_acquire);
  return entry == kNoEntry ? -1 : level_of(entry);
}
std::uint32_t HierarchicalNsw::entry_point() const { return entry_.load(std::memory_order_acquire); }

// ---- memory -------------------------------------------------------------------------------------------------

void HierarchicalNsw::reallocate(std::size_t new_capacity) {
  if (new_capacity > kNoEntry) {
    throw Error(ErrorCode::kInvalidArgument, "maxElements must be below 2^32, got " + count_text(new_capacity));
  }
  const auto out_of_memory = [&] {
    return Error(ErrorCode::kOutOfMemory, "not enough memory for " + count_text(new_capacity) + " elements of " +
                                              count_text(record_bytes_) + " bytes");
  };
  if (new_capacity != 0 && record_bytes_ > std::numeric_limits<std::size_t>::max() / new_capacity) {
    throw out_of_memory();
  }
  // Everything is allocated before anything is replaced, so a failure leaves the index as it was.
  const std::size_t used = std::min(count_.load(), new_capacity);
  CallocArray<char> level0;
  CallocArray<std::uint8_t*> upper;
  CallocArray<std::int32_t> levels;
  std::unique_ptr<VisitedPool> visited;
  // Records are read at random all over the index, which is what huge pages are for (see CallocArray).
  if (!level0.allocate(new_capacity * record_bytes_, CallocArray<char>::Pages::kHuge) ||
      !upper.allocate(new_capacity) || !levels.allocate(new_capacity)) {
    throw out_of_memory();
  }
  try {
    visited.reset(new VisitedPool(new_capacity == 0 ? 1 : new_capacity));
  } catch (const std::bad_alloc&) {
    throw out_of_memory();
  }
  level0.copy_prefix(level0_, used * record_bytes_);
  upper.copy_prefix(upper_, std::min(upper_extent_.load(std::memory_order_relaxed), new_capacity));
  levels.copy_prefix(levels_, used);
  level0_.swap(level0);
  upper_.swap(upper);
  levels_.swap(levels);
  visited_ = std::move(visited);
  capacity_ = new_capacity;
}

void HierarchicalNsw::resize(std::size_t new_max_elements) {
  std::unique_lock<std::shared_mutex> structure(structure_mutex_);
  const std::size_t count = count_.load();
  if (new_max_elements < count) {
    throw Error(ErrorCode::kResizeTooSmall, "Cannot resize, max element is less than the current number of elements");
  }
  reallocate(new_max_elements);
}

// ---- levels -------------------------------------------------------------------------------------------------

int HierarchicalNsw::random_level() {
  std::uint64_t bits;
  {
    std::lock_guard<std::mutex> lock(rng_mutex_);
    bits = level_rng_();
  }
  // U in (0, 1] from the top 53 bits, so -ln(U) is finite and the draw is the same on every platform.
  const double u = (static_cast<double>(bits >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  const double level = std::floor(-std::log(u) * level_mult_);
  // Level 0 lists are indexed by u16 counts; above a few dozen levels the graph is pathological anyway.
  return static_cast<int>(std::min(level, 64.0));
}

// ---- search primitives --------------------------------------------------------------------------------------

// The searches below are bound by memory: at 784-d a vector is 49 cache lines, read from anywhere in the index.
// So they expand an element in two passes, first testing every neighbour's visited tag (the tags prefetched
// together), then computing the distances to the unvisited ones with the vectors two places ahead on their way
// (for_each_distance). hnswlib prefetches only the first line of the next neighbour, which leaves the rest of a
// long vector to the hardware prefetcher, one miss at a time.

std::size_t HierarchicalNsw::take_unvisited(const std::uint8_t* header, VisitedList& visited,
                                            std::vector<std::uint32_t>& fresh) {
  const std::size_t n = load_count(header);
  if (fresh.size() < n) fresh.resize(n);
  std::uint32_t* out = fresh.data();
  // The list may be rewritten between the two passes; then a prefetch was wasted, nothing more, because the id that
  // is tested is the id that is handed on.
  std::uint16_t* tags = visited.tags();
  const std::uint16_t epoch = visited.epoch();
  for (std::size_t i = 0; i < n; ++i) prefetch(tags + load_id(header, i));
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = load_id(header, i);
    if (tags[id] != epoch) {
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
void HierarchicalNsw::for_each_distance(const float* query, std::size_t count, IdAt&& id_at, Visit&& visit) const {
  constexpr std::size_t kAhead = 2;
  for (std::size_t i = 0; i < count && i < kAhead; ++i) prefetch_vector(id_at(i));
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t id = id_at(i);
    const float* vector = vector_of(id);
    visit(id, i + kAhead < count ? space_.distance_ahead(query, vector, vector_of(id_at(i + kAhead)))
                                 : space_.distance(query, vector));
  }
}

Candidate HierarchicalNsw::greedy_descent(const float* query, std::uint32_t entry, int from_level, int stop_level,
                                          SearchStats* stats) const {
  Candidate best{space_.distance(query, vector_of(entry)), entry};
  std::uint64_t evaluations = 1;
  for (int level = from_level; level > stop_level; --level) {
    bool improved = true;
    while (improved) {
      improved = false;
      const std::uint8_t* header = link_header(best.second, level);
      const std::size_t n = load_count(header);
      // Straight from the list: an upper list is short, and an id read twice (once to prefetch) may differ
      // between the reads if the list changes, which costs a wasted prefetch and nothing else.
      const auto id_at = [header](std::size_t i) { return load_id(header, i); };
      for_each_distance(query, n, id_at, [&](std::uint32_t candidate, float d) {
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

std::vector<Candidate> HierarchicalNsw::search_layer(const float* query, const std::vector<Candidate>& seeds,
                                                     std::size_t ef, int level, std::uint32_t exclude) const {
  VisitedPool::Lease visited = visited_->acquire();
  ScratchLease scratch;
  CandidateHeap<true>& candidates = scratch->candidates;
  CandidateHeap<false>& found = scratch->found;
  std::vector<std::uint32_t>& fresh = scratch->fresh;
  const auto fresh_at = [&fresh](std::size_t i) { return fresh[i]; };

  for (const Candidate& seed : seeds) {
    if (visited->test_and_mark(seed.second)) continue;
    candidates.push(seed);
    if (seed.second != exclude) found.push(seed);
  }
  if (exclude != kNoEntry) visited->mark(exclude);
  while (found.size() > ef) found.pop();

  while (!candidates.empty()) {
    const Candidate current = candidates.top();
    if (found.size() >= ef && current.first > found.top().first) break;
    candidates.pop();

    const std::size_t count = take_unvisited(link_header(current.second, level), *visited, fresh);
    for_each_distance(query, count, fresh_at, [&](std::uint32_t next, float d) {
      if (found.size() < ef || d < found.top().first) {
        candidates.push({d, next});
        found.push({d, next});
        if (found.size() > ef) found.pop();
      }
    });
  }

  std::vector<Candidate> result;
  found.drain_sorted(result);
  return result;  // closest first
}

void HierarchicalNsw::search_base_for_query(const float* query, Candidate entry, std::size_t ef,
                                            const LabelFilter* filter, SearchStats* stats,
                                            SearchScratch& scratch) const {
  VisitedPool::Lease visited = visited_->acquire();
  CandidateHeap<true>& candidates = scratch.candidates;
  CandidateHeap<false>& found = scratch.found;
  std::vector<std::uint32_t>& fresh = scratch.fresh;
  const auto fresh_at = [&fresh](std::size_t i) { return fresh[i]; };
  // Acquire, pairing with the release decrements: a search that sees no element deleted also sees the labels and
  // vectors the slots got before their flags were cleared.
  const bool any_deleted = deleted_count_.load(std::memory_order_acquire) != 0;
  auto admissible = [&](std::uint32_t id) {
    if (any_deleted && deleted_flag(id)) return false;
    return filter == nullptr || filter->allowed(label_of(id));
  };

  std::uint64_t evaluations = 0;
  std::uint64_t expanded = 0;
  visited->mark(entry.second);
  candidates.push(entry);
  if (admissible(entry.second)) found.push(entry);
  // Deleted and filtered-out elements are still walked through (they keep the graph connected) but never enter
  // `found`; so the search cannot stop just because `found` is short, only once it is full and nothing closer is
  // left to expand.
  while (!candidates.empty()) {
    const Candidate current = candidates.top();
    if (found.size() >= ef && current.first > found.top().first) break;
    candidates.pop();
    ++expanded;

    const std::size_t count = take_unvisited(link_header(current.second, 0), *visited, fresh);
    for_each_distance(query, count, fresh_at, [&](std::uint32_t next, float d) {
      if (found.size() < ef || d < found.top().first) {
        candidates.push({d, next});
        prefetch(link_header(candidates.top().second, 0));
        if (admissible(next)) {
          found.push({d, next});
          if (found.size() > ef) found.pop();
        }
      }
    });
    evaluations += count;
  }
  if (stats != nullptr) {
    stats->distance_evaluations += evaluations;
    stats->visited_nodes += expanded;
  }
  found.drain_sorted(scratch.result);
}

SearchHits HierarchicalNsw::search(const float* query, std::size_t k, const LabelFilter* filter,
                                   std::size_t ef) const {
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  SearchHits hits;
  if (k == 0) return hits;
  const std::uint32_t entry = entry_.load(std::memory_order_acquire);
  if (entry == kNoEntry) return hits;

  ScratchLease scratch;
  scratch->query.resize(space_.dim());
  space_.prepare(query, scratch->query.data());
  const float* q = scratch->query.data();

  SearchStats stats;
  const Candidate start = greedy_descent(q, entry, level_of(entry), 0, &stats);
  const std::size_t width = std::max(ef == 0 ? this->ef() : ef, k);
  search_base_for_query(q, start, width, filter, &stats, *scratch);

  hits.reserve(scratch->result.size());
  for (const Candidate& c : scratch->result) hits.push_back({c.first, label_of(c.second)});
  // Equal distances come out in ascending label order, whatever order the graph walk found them in.
  std::sort(hits.begin(), hits.end(), [](const Neighbor& a, const Neighbor& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.label < b.label);
  });
  if (hits.size() > k) hits.resize(k);

  stat_searches_.fetch_add(1, std::memory_order_relaxed);
  stat_distances_.fetch_add(stats.distance_evaluations, std::memory_order_relaxed);
  stat_visited_.fetch_add(stats.visited_nodes, std::memory_order_relaxed);
  return hits;
}

// ---- linking ------------------------------------------------------------------------------------------------

void HierarchicalNsw::select_neighbors(std::vector<Candidate>& candidates, std::size_t m) const {
  // Alg. 4 (heuristic, without extending candidates or keeping pruned ones): a candidate is kept only if it is
  // closer to the base element than to every candidate kept before it, which spreads links across directions.
  if (candidates.size() <= m) return;
  std::vector<Candidate> kept;
  kept.reserve(m);
  for (const Candidate& c : candidates) {
    if (kept.size() >= m) break;
    const float* v = vector_of(c.second);
    bool good = true;
    for (const Candidate& k : kept) {
      if (space_.distance(v, vector_of(k.second)) < c.first) {
        good = false;
        break;
      }
    }
    if (good) kept.push_back(c);
  }
  candidates.swap(kept);
}

void HierarchicalNsw::set_links(std::uint32_t id, int level, const std::vector<Candidate>& links) {
  std::lock_guard<SpinLock> lock(link_lock(id));
  std::uint8_t* header = link_header(id, level);
  for (std::size_t i = 0; i < links.size(); ++i) store_id(header, i, links[i].second);
  store_count(header, static_cast<std::uint16_t>(links.size()));
}

void HierarchicalNsw::connect(std::uint32_t from, std::uint32_t to, float distance, int level) {
  const std::size_t cap = max_links(level);
  std::lock_guard<SpinLock> lock(link_lock(from));
  std::uint8_t* header = link_header(from, level);
  const std::size_t n = load_count(header);
  for (std::size_t i = 0; i < n; ++i) {
    if (load_id_locked(header, i) == to) return;
  }
  if (n < cap) {
    store_id(header, n, to);
    store_count(header, static_cast<std::uint16_t>(n + 1));
    return;
  }
  // Full: keep the best `cap` of the old links plus the new one, chosen by the same heuristic (Alg. 1, shrink).
  // The ids are rewritten in place while searches read them (see link_list.h).
  std::vector<Candidate> pool;
  pool.reserve(n + 1);
  const float* base = vector_of(from);
  pool.push_back({distance, to});
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = load_id_locked(header, i);
    pool.push_back({space_.distance(base, vector_of(id)), id});
  }
  std::sort(pool.begin(), pool.end(), [](const Candidate& a, const Candidate& b) { return a.first < b.first; });
  select_neighbors(pool, cap);
  for (std::size_t i = 0; i < pool.size(); ++i) store_id(header, i, pool[i].second);
  store_count(header, static_cast<std::uint16_t>(pool.size()));
}

// Finds neighbours for element `id` on levels min(top_level, graph top)..0 and links it both ways (Alg. 1).
// With skip_self the element may already be reachable in the graph (an update) and is kept out of its own list.
void HierarchicalNsw::link_element(std::uint32_t id, int top_level, bool skip_self) {
  const float* v = vector_of(id);
  std::uint32_t start = entry_.load(std::memory_order_acquire);
  if (start == kNoEntry) return;
  int start_level = level_of(start);
  if (start == id) {
    // Updating the entry point itself: start from the first element it links to, on the highest level where it
    // has one; an isolated entry point has nothing to link to.
    start = kNoEntry;
    for (int level = start_level; level >= 0 && start == kNoEntry; --level) {
      const std::uint8_t* header = link_header(id, level);
      if (load_count(header) > 0) {
        start = load_id(header, 0);
        start_level = level;
      }
    }
    if (start == kNoEntry) return;
  }

  Candidate nearest{space_.distance(v, vector_of(start)), start};
  if (top_level < start_level) nearest = greedy_descent(v, start, start_level, top_level, nullptr);
  if (nearest.second == id) nearest = {space_.distance(v, vector_of(start)), start};

  std::vector<Candidate> seeds{nearest};
  const std::uint32_t exclude = skip_self ? id : kNoEntry;
  const int first_level = std::min(top_level, start_level);
  std::vector<std::vector<Candidate>> chosen(static_cast<std::size_t>(first_level) + 1);
  for (int level = first_level; level >= 0; --level) {
    std::vector<Candidate> found = search_layer(v, seeds, ef_construction_, level, exclude);
    std::vector<Candidate>& mine = chosen[static_cast<std::size_t>(level)];
    mine.reserve(found.size());
    for (const Candidate& c : found) {
      if (c.second != id) mine.push_back(c);
    }
    seeds = std::move(found);  // the paper's ep <- W: the next level starts from everything found here
    select_neighbors(mine, m_);
  }
  // The element's own lists on every level are complete before any element links to it, so a concurrent search
  // that steps onto it never finds a level it cannot leave. Searches of lower levels above never read the
  // back-links added here, so a single-threaded build is the same either way.
  for (int level = first_level; level >= 0; --level) set_links(id, level, chosen[static_cast<std::size_t>(level)]);
  for (int level = first_level; level >= 0; --level) {
    for (const Candidate& c : chosen[static_cast<std::size_t>(level)]) connect(c.second, id, c.first, level);
  }
}

void HierarchicalNsw::insert_new(std::uint32_t id, int level) {
  set_upper(id, level > 0 ? new std::uint8_t[static_cast<std::size_t>(level) * upper_block_bytes_]() : nullptr);
  set_level(id, level);  // after the upper lists: a reader that sees the level finds them

  // Only an element that raises the graph's top level needs the entry lock for the whole insertion.
  std::unique_lock<std::mutex> entry_lock(entry_mutex_);
  const std::uint32_t entry = entry_.load(std::memory_order_acquire);
  const int graph_top = entry == kNoEntry ? -1 : level_of(entry);
  if (level <= graph_top) entry_lock.unlock();

  if (entry != kNoEntry) link_element(id, level, false);
  if (level > graph_top) entry_.store(id, std::memory_order_release);
}

// An update rewrites the vector of an element that stays in the graph, so searches (and other inserts) may be
// computing a distance to it meanwhile with SIMD loads: that distance may mix old and new coordinates. This race is
// accepted, not locked away: a search running next to an update may rank the element by its old place, its new
// place or, for that one evaluation, somewhere between, which is no worse than seeing the old vector; the id and
// label it reports are still the element's own, and the graph repair that follows uses the finished vector. Each
// coordinate is a relaxed 32-bit atomic store, so no float is ever half written (SIMD loads of 4-byte aligned
// floats read each lane whole on x86-64 and AArch64).
// Readers cannot use atomic loads without giving up the SIMD kernels, so ThreadSanitizer would report these
// stores against the kernels' loads. They are hidden from it here, and only these stores: a suppression file
// cannot do it reliably, because TSan can match a suppression only against stacks it can restore, and the stack
// of a store made long before the load that races with it is often gone ("failed to restore the stack").
void HierarchicalNsw::overwrite_vector(std::uint32_t id, const float* prepared) {
  std::uint32_t* coordinates = reinterpret_cast<std::uint32_t*>(vector_of(id));
  const std::size_t dim = space_.dim();
#ifdef HNSWKIT_UNDER_TSAN
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
  for (std::size_t i = 0; i < dim; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, prepared + i, sizeof(bits));
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(coordinates + i, bits, __ATOMIC_RELAXED);
#else
    static_cast<volatile std::uint32_t*>(coordinates)[i] = bits;
#endif
  }
#ifdef HNSWKIT_UNDER_TSAN
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
#endif
}

void HierarchicalNsw::update_existing(std::uint32_t id, const float* prepared) {
  overwrite_vector(id, prepared);
  if (count_.load() <= 1) return;
  const int level = level_of(id);
  // Repair: each old neighbour re-chooses its links among its own links and the updated element's, with fresh
  // distances, so elements that were close to the old vector no longer rely on it.
  for (int l = 0; l <= level; ++l) {
    std::vector<std::uint32_t> old_links;
    {
      std::lock_guard<SpinLock> lock(link_lock(id));
      const std::uint8_t* header = link_header(id, l);
      const std::size_t count = load_count(header);
      for (std::size_t i = 0; i < count; ++i) old_links.push_back(load_id_locked(header, i));
    }
    for (std::uint32_t n : old_links) {
      std::vector<Candidate> pool;
      const float* base = vector_of(n);
      {
        std::lock_guard<SpinLock> lock(link_lock(n));
        const std::uint8_t* header = link_header(n, l);
        const std::size_t count = load_count(header);
        for (std::size_t i = 0; i < count; ++i) pool.push_back({0.0f, load_id_locked(header, i)});
      }
      for (std::uint32_t other : old_links) {
        if (other != n) pool.push_back({0.0f, other});
      }
      pool.push_back({0.0f, id});
      std::sort(pool.begin(), pool.end(), [](const Candidate& a, const Candidate& b) { return a.second < b.second; });
      pool.erase(std::unique(pool.begin(), pool.end(),
                             [](const Candidate& a, const Candidate& b) { return a.second == b.second; }),
                 pool.end());
      for (Candidate& c : pool) c.first = space_.distance(base, vector_of(c.second));
      std::sort(pool.begin(), pool.end(), [](const Candidate& a, const Candidate& b) { return a.first < b.first; });
      select_neighbors(pool, max_links(l));
      set_links(n, l, pool);
    }
  }
  link_element(id, level, true);
}

// ---- public mutators ----------------------------------------------------------------------------------------

void HierarchicalNsw::add(const float* vector, std::uint64_t label, bool replace_deleted) {
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  std::shared_lock<WriteGate> gate(write_gate_);
  std::lock_guard<std::mutex> label_lock(label_stripes_[label % kLabelStripes]);

  std::vector<float> prepared(space_.dim());
  space_.prepare(vector, prepared.data());

  std::uint32_t id = kNoEntry;
  bool existing = false;
  bool reused = false;
  {
    std::lock_guard<std::mutex> lock(labels_mutex_);
    auto it = label_to_id_.find(label);
    if (it != label_to_id_.end()) {
      id = it->second;
      existing = true;
      if (deleted_flag(id)) {
        if (allow_replace_deleted_) {
          throw Error(ErrorCode::kUpdateDeleted,
                      "Can't use addPoint to update deleted elements if replacement of deleted elements is enabled.");
        }
        // Re-adding a deleted label brings it back, as hnswlib does.
        set_deleted_flag(id, false);
        deleted_count_.fetch_sub(1, std::memory_order_release);
      }
    } else if (replace_deleted) {
      if (!allow_replace_deleted_) {
        throw Error(ErrorCode::kReplaceDisabled, "Replacement of deleted elements is disabled in constructor");
      }
      if (!free_slots_.empty()) {
        // The old label goes now; the new one is mapped only once the slot is renewed (below), so until this
        // add returns no other call can see the new label on a slot that is still deleted and half rewritten.
        id = free_slots_.back();
        free_slots_.pop_back();
        auto old = label_to_id_.find(label_of(id));
        if (old != label_to_id_.end() && old->second == id) label_to_id_.erase(old);
        reused = true;
      }
    }
    if (id == kNoEntry) {
      const std::size_t count = count_.load();
      if (count >= capacity_) {
        throw Error(ErrorCode::kIndexFull, "The number of elements exceeds the specified limit");
      }
      id = static_cast<std::uint32_t>(count);
      // The record is complete except for its links before the label maps to it. Its link header is still the
      // allocation's zeros (the slot is new: id == the count), and is not written again: a markDelete that comes as
      // soon as the label is mapped sets a flag that nothing here may clear.
      std::memcpy(record(id) + vector_offset_, prepared.data(), space_.vector_bytes());
      set_label(id, label);
      map_label(label, id);
      count_.store(count + 1, std::memory_order_release);
    }
  }

  if (existing) {
    update_existing(id, prepared.data());
  } else if (reused) {
    // The slot keeps its level and links; its vector, label and neighbourhood are renewed, then it comes alive.
    try {
      set_label(id, label);
      update_existing(id, prepared.data());
    } catch (...) {
      std::lock_guard<std::mutex> lock(labels_mutex_);
      free_slots_.push_back(id);
      throw;
    }
    std::lock_guard<std::mutex> lock(labels_mutex_);
    map_label(label, id);
    set_deleted_flag(id, false);
    deleted_count_.fetch_sub(1, std::memory_order_release);
  } else {
    insert_new(id, random_level());
  }
}

void HierarchicalNsw::map_label(std::uint64_t label, std::uint32_t id) {
  label_to_id_[label] = id;
  const std::uint64_t end = label == std::numeric_limits<std::uint64_t>::max() ? label : label + 1;
  label_end_ = std::max(label_end_, end);
}

void HierarchicalNsw::reserve_default_labels(std::size_t n, std::uint64_t* out) {
  std::lock_guard<std::mutex> lock(labels_mutex_);
  std::uint64_t next = std::max(reserved_end_, static_cast<std::uint64_t>(count_.load()));
  for (std::size_t i = 0; i < n; ++i) {
    // Above label_end_ nothing is taken, so the usual case (default labels only) never looks anything up.
    while (next < label_end_ && label_to_id_.count(next) != 0) ++next;
    out[i] = next++;
  }
  reserved_end_ = std::max(reserved_end_, next);
}

void HierarchicalNsw::mark_deleted(std::uint64_t label) {
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  std::shared_lock<WriteGate> gate(write_gate_);
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end()) throw Error(ErrorCode::kLabelNotFound, "Label not found");
  const std::uint32_t id = it->second;
  if (deleted_flag(id)) {
    throw Error(ErrorCode::kAlreadyDeleted, "The requested to delete element is already deleted");
  }
  set_deleted_flag(id, true);
  deleted_count_.fetch_add(1, std::memory_order_relaxed);
  if (allow_replace_deleted_) free_slots_.push_back(id);
}

void HierarchicalNsw::unmark_deleted(std::uint64_t label) {
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  std::shared_lock<WriteGate> gate(write_gate_);
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end()) throw Error(ErrorCode::kLabelNotFound, "Label not found");
  const std::uint32_t id = it->second;
  if (!deleted_flag(id)) {
    throw Error(ErrorCode::kNotDeleted, "The requested to undelete element is not deleted");
  }
  set_deleted_flag(id, false);
  deleted_count_.fetch_sub(1, std::memory_order_release);
  if (allow_replace_deleted_) {
    auto slot = std::find(free_slots_.begin(), free_slots_.end(), id);
    if (slot != free_slots_.end()) free_slots_.erase(slot);
  }
}

// ---- queries ------------------------------------------------------------------------------------------------

bool HierarchicalNsw::contains(std::uint64_t label) const {
  std::lock_guard<std::mutex> lock(labels_mutex_);
  return label_to_id_.count(label) != 0;
}

bool HierarchicalNsw::is_deleted(std::uint64_t label) const {
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end()) throw Error(ErrorCode::kLabelNotFound, "Label not found");
  return deleted_flag(it->second);
}

std::vector<float> HierarchicalNsw::get_vector(std::uint64_t label) const {
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  // Copied under the label mutex: a replaceDeleted add that takes this slot for another label first unmaps this
  // one under the same mutex, so the copy cannot be of the slot's next vector.
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end() || deleted_flag(it->second)) {
    throw Error(ErrorCode::kLabelNotFound, "Label not found");
  }
  const float* v = vector_of(it->second);
  return std::vector<float>(v, v + space_.dim());
}

}  // namespace hnswkit
