// HNSW insertion (Malkov & Yashunin, arXiv 1603.09320, Alg. 1 and 4): choosing an element's level and neighbours,
// linking it both ways, and updating the vector of an element already in the graph.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "index/hierarchical_nsw.h"
#include "index/link_list.h"
#include "util/error.h"
#include "util/parallel_for.h"

namespace hnswkit {

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

// ---- levels -------------------------------------------------------------------------------------------------

void HierarchicalNsw::set_level(std::uint32_t id, int level) {
#if defined(__GNUC__) || defined(__clang__)
  __atomic_store_n(&levels_[id], level, __ATOMIC_RELEASE);
#else
  *static_cast<volatile std::int32_t*>(&levels_[id]) = level;
#endif
}

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

// ---- linking ------------------------------------------------------------------------------------------------

void HierarchicalNsw::select_neighbors(std::vector<Candidate>& candidates, std::size_t m) const {
  // Alg. 4 (heuristic, without extending candidates or keeping pruned ones): a candidate is kept only if it is
  // closer to the base element than to every candidate kept before it, which spreads links across directions.
  if (candidates.size() <= m) return;
  std::vector<Candidate> kept;
  kept.reserve(m);
  std::vector<float> widened;
  for (const Candidate& c : candidates) {
    if (kept.size() >= m) break;
    bool good = true;
    if (!kept.empty()) {
      const Probe probe = stored_probe(vector_of(c.second), widened);
      for (const Candidate& k : kept) {
        if (probe_distance(probe, vector_of(k.second)) < c.first) {
          good = false;
          break;
        }
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
  std::vector<float> widened;
  const Probe base = stored_probe(vector_of(from), widened);
  pool.push_back({distance, to});
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = load_id_locked(header, i);
    pool.push_back({probe_distance(base, vector_of(id)), id});
  }
  std::sort(pool.begin(), pool.end(), [](const Candidate& a, const Candidate& b) { return a.first < b.first; });
  select_neighbors(pool, cap);
  for (std::size_t i = 0; i < pool.size(); ++i) store_id(header, i, pool[i].second);
  store_count(header, static_cast<std::uint16_t>(pool.size()));
}

// Finds neighbours for element `id` on levels min(top_level, graph top)..0 and links it both ways (Alg. 1).
// With skip_self the element may already be reachable in the graph (an update) and is kept out of its own list.
void HierarchicalNsw::link_element(std::uint32_t id, int top_level, bool skip_self) {
  const char* v = vector_of(id);
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

  std::vector<float> widened;
  const Probe probe = stored_probe(v, widened);
  Candidate nearest{probe_distance(probe, vector_of(start)), start};
  if (top_level < start_level) nearest = greedy_descent(probe, start, start_level, top_level, nullptr);
  if (nearest.second == id) nearest = {probe_distance(probe, vector_of(start)), start};

  std::vector<Candidate> seeds{nearest};
  const std::uint32_t exclude = skip_self ? id : kNoEntry;
  const int first_level = std::min(top_level, start_level);
  std::vector<std::vector<Candidate>> chosen(static_cast<std::size_t>(first_level) + 1);
  for (int level = first_level; level >= 0; --level) {
    std::vector<Candidate> found = search_layer(probe, seeds, ef_construction_, level, exclude);
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
// 4-byte word of the stored form (a float32 coordinate, two f16 ones, four i8 codes or an i8 header field) is a
// relaxed 32-bit atomic store, so no word is ever half written (SIMD loads of 4-byte aligned words read each lane
// whole on x86-64 and AArch64); an i8 distance may pair the old header with new codes, which is finite too.
// Readers cannot use atomic loads without giving up the SIMD kernels, so ThreadSanitizer would report these
// stores against the kernels' loads. They are hidden from it here, and only these stores: a suppression file
// cannot do it reliably, because TSan can match a suppression only against stacks it can restore, and the stack
// of a store made long before the load that races with it is often gone ("failed to restore the stack").
void HierarchicalNsw::overwrite_vector(std::uint32_t id, const void* encoded) {
  std::uint32_t* words = reinterpret_cast<std::uint32_t*>(vector_of(id));
  const std::size_t count = space_.vector_words();
#ifdef HNSWKIT_UNDER_TSAN
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, static_cast<const char*>(encoded) + 4 * i, sizeof(bits));
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(words + i, bits, __ATOMIC_RELAXED);
#else
    static_cast<volatile std::uint32_t*>(words)[i] = bits;
#endif
  }
#ifdef HNSWKIT_UNDER_TSAN
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
#endif
}

void HierarchicalNsw::update_existing(std::uint32_t id, const void* encoded) {
  overwrite_vector(id, encoded);
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
      const char* base = vector_of(n);
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
      std::vector<float> widened;
      const Probe probe = stored_probe(base, widened);
      for (Candidate& c : pool) c.first = probe_distance(probe, vector_of(c.second));
      std::sort(pool.begin(), pool.end(), [](const Candidate& a, const Candidate& b) { return a.first < b.first; });
      select_neighbors(pool, max_links(l));
      set_links(n, l, pool);
    }
  }
  link_element(id, level, true);
}

// ---- public mutators ----------------------------------------------------------------------------------------

void HierarchicalNsw::add(const float* vector, std::uint64_t label, bool replace_deleted) {
  // An index that grows by itself raises its capacity and tries again; add_once changed nothing when it said no.
  while (!add_once(vector, label, replace_deleted)) grow_to(count_.load() + 1);
}

std::uint32_t HierarchicalNsw::claim_slot(const void* encoded, std::uint64_t label) {
  const std::size_t count = count_.load();
  const auto id = static_cast<std::uint32_t>(count);
  // The record is complete except for its links before the label maps to it. Its link header is still the
  // allocation's zeros (the slot is new: id == the count), and is not written again: a markDelete that comes as
  // soon as the label is mapped sets a flag that nothing here may clear.
  std::memcpy(record(id) + vector_offset_, encoded, space_.vector_bytes());
  set_label(id, label);
  map_label(label, id);
  count_.store(count + 1, std::memory_order_release);
  return id;
}

std::unique_ptr<HierarchicalNsw> HierarchicalNsw::compacted(std::size_t threads,
                                                            const std::function<bool()>& keep_going,
                                                            const std::function<void()>& counted) const {
  require_writable();
  // Resizing this index (which moves its records) waits until the copy is done.
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::vector<std::uint32_t> live;
  const std::size_t count = count_.load(std::memory_order_acquire);
  live.reserve(count);
  for (std::size_t id = 0; id < count; ++id) {
    if (!deleted_flag(static_cast<std::uint32_t>(id))) live.push_back(static_cast<std::uint32_t>(id));
  }
  HnswParams params;
  params.max_elements = capacity_;
  params.m = m_;
  params.ef_construction = ef_construction_;
  params.allow_replace_deleted = allow_replace_deleted_;
  params.auto_grow = auto_grow();
  auto fresh = std::make_unique<HierarchicalNsw>(space_, params);
  fresh->set_ef(ef());
  parallel_for(live.size(), threads, [&](std::size_t row, std::size_t) {
    if (!keep_going()) throw Error(ErrorCode::kCancelled, "compact was aborted");
    const std::uint32_t id = live[row];
    std::uint32_t slot;
    {
      // The stored vector as it is: a vector of an f16 or i8 index is not rounded a second time. The new index is
      // this function's alone and never resized, so only the slot count needs a lock.
      std::lock_guard<std::mutex> lock(fresh->labels_mutex_);
      slot = fresh->claim_slot(vector_of(id), label_of(id));
    }
    fresh->insert_new(slot, fresh->random_level());
    counted();
  });
  return fresh;
}

bool HierarchicalNsw::add_once(const float* vector, std::uint64_t label, bool replace_deleted) {
  require_writable();
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::shared_lock<WriteGate> gate(write_gate_);
  std::lock_guard<std::mutex> label_lock(label_stripes_[label % kLabelStripes]);

  std::vector<float> encoded(space_.vector_words());  // floats only for their 4-byte alignment
  space_.encode(vector, encoded.data());

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
      if (count_.load() >= capacity_) {
        if (auto_grow()) return false;
        throw Error(ErrorCode::kIndexFull, "The number of elements exceeds the specified limit");
      }
      id = claim_slot(encoded.data(), label);
    }
  }

  if (existing) {
    update_existing(id, encoded.data());
  } else if (reused) {
    // The slot keeps its level and links; its vector, label and neighbourhood are renewed, then it comes alive.
    try {
      set_label(id, label);
      update_existing(id, encoded.data());
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
  return true;
}

}  // namespace hnswkit
