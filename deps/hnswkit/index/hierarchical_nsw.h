// The HNSW graph index (Malkov & Yashunin, arXiv 1603.09320) over hnswlib's element record layout.
//
// Storage (docs/format.md 2.3-2.4): one contiguous level-0 block of fixed-size records
//   [u16 link count][u8 flags][u8 unused][u32 x max_m0 links][vector: Space::vector_bytes()][u64 label]
// where the vector is dim float32 values (hnswlib's layout) or the f16 or i8 form of space/space.h.
// plus, for each element above level 0, one block of `level` upper link lists
//   [u16 link count][u16 unused][u32 x max_m links].
// Internal ids are record indices 0..count-1; a label -> id map finds records by label.
//
// Concurrency: add, search, mark/unmark and get may run at once from many threads. resize, and anything that
// replaces the whole structure, take structure_.mutex exclusively. Saving takes write_gate_ exclusively, which
// stops adds and deletes (not searches) while the bytes are written; a waiting save goes before rows not yet
// started (util/write_gate.h), so it waits only for the rows in progress. Links are written under a per-element
// lock and read without one; a reader may see a list mid-update, which holds valid ids only. What searches read without
// locks is atomic, with the order it needs: link counts and ids (release stores, acquire loads: link_list.h),
// levels (level_of, the same), labels (two 32-bit halves under a seqlock: label_of), the deleted flag, the entry
// point and the counters. The one accepted race is an update's new vector against distances computed meanwhile
// (overwrite_vector). ThreadSanitizer checks the rest (scripts/test-tsan.sh, docs/design.md "Concurrency").
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "index/default_labels.h"
#include "index/search_counters.h"
#include "index/search_scratch.h"
#include "index/search_types.h"
#include "index/visited_pool.h"
#include "space/space.h"
#include "util/calloc_array.h"
#include "util/spin_lock.h"
#include "util/write_gate.h"

namespace hnswkit {

class MappedFile;

struct HnswParams {
  std::size_t max_elements = 0;       // capacity; resize() changes it
  std::size_t m = 16;                 // links per element on levels >= 1; 2*m on level 0. 2 <= m <= kMaxM
  std::size_t ef_construction = 200;  // beam width while inserting; raised to at least m
  std::uint64_t random_seed = 100;    // seeds the level generator
  bool allow_replace_deleted = false;
  bool auto_grow = false;  // an add that finds no free slot doubles the capacity (grow_to) instead of failing
};

// Search counters since the last reset, for tuning.
struct SearchStats {
  std::uint64_t searches = 0;
  std::uint64_t distance_evaluations = 0;
  std::uint64_t visited_nodes = 0;
};

// What one beam search did, for SearchStats.
struct BeamWork {
  std::uint64_t expanded = 0;
  std::uint64_t evaluations = 0;
};

class HierarchicalNsw {
 public:
  static constexpr std::size_t kMaxM = 10000;  // link counts are u16 and level 0 holds 2*m
  static constexpr std::uint32_t kNoEntry = 0xFFFFFFFFu;

  HierarchicalNsw(const Space& space, const HnswParams& params);
  ~HierarchicalNsw();
  HierarchicalNsw(const HierarchicalNsw&) = delete;
  HierarchicalNsw& operator=(const HierarchicalNsw&) = delete;

  // Inserts a new label, or updates the vector of an existing one and repairs its neighbourhood. With
  // replace_deleted, a new label takes the slot of a deleted element if there is one (needs
  // allow_replace_deleted). vector holds dim() floats. Throws kIndexFull (unless auto_grow), kReplaceDisabled,
  // kUpdateDeleted.
  void add(const float* vector, std::uint64_t label, bool replace_deleted = false);

  // The k nearest live elements allowed by filter (nullptr: all), beam width max(ef, k) where ef == 0 means
  // this->ef(). Fewer than k when fewer are reachable. query holds dim() floats, not yet prepared.
  SearchHits search(const float* query, std::size_t k, const LabelFilter* filter = nullptr, std::size_t ef = 0) const;

  // Filtered search over a small allow-list, exactly: a graph walk whose filter admits few elements must cross many
  // refused ones to fill its beam (and may not reach all the allowed ones at all), while comparing the query with
  // each allowed element costs one distance apiece and misses none. live_ids gives the internal ids of the live
  // elements among labels (absent and deleted labels left out, each id once, ascending); search_among gives the k
  // nearest of those ids that are still live and, if filter is given, still hold a label it allows (a slot reused
  // meanwhile holds another label). query holds dim() floats, not yet prepared.
  std::vector<std::uint32_t> live_ids(const std::uint64_t* labels, std::size_t n) const;
  SearchHits search_among(const float* query, std::size_t k, const std::vector<std::uint32_t>& ids,
                          const LabelFilter* filter = nullptr) const;
  // The largest allow-list (in live elements) that search_among answers faster than search() with beam `width`
  // over this index; see the .cc file for the measurement behind it.
  std::size_t exact_search_limit(std::size_t width) const;
  // Every live element allowed by filter whose distance to query is at most radius, as far as the graph walk reaches
  // (hierarchical_nsw_search.cc, range_walk): closest first, equal distances in ascending label order, at most
  // max_results of them (0: no limit), the closest kept. ef (0: this->ef()) is the width of the beam that runs ahead
  // of the elements within the radius. query holds dim() floats, not yet prepared.
  SearchHits search_range(const float* query, float radius, std::size_t max_results = 0,
                          const LabelFilter* filter = nullptr, std::size_t ef = 0) const;

  // Tombstones: a deleted element stays in the graph and in element_count() but is never returned.
  // Throw kLabelNotFound, kAlreadyDeleted / kNotDeleted.
  void mark_deleted(std::uint64_t label);
  void unmark_deleted(std::uint64_t label);
  bool is_deleted(std::uint64_t label) const;  // throws kLabelNotFound
  bool contains(std::uint64_t label) const;    // deleted labels included

  // Reserves n labels for an add that was given none, into out[0..n): consecutive from element_count() (so an
  // index filled only with default labels numbers them 0, 1, 2, ... as Python hnswlib's add_items does), or from
  // past the last label reserved before if that is higher, skipping every label the index holds (deleted ones
  // included). Calls at the same time get disjoint labels, and a default label never lands on an existing one.
  void reserve_default_labels(std::size_t n, std::uint64_t* out);

  // compact() in JS: a new index of this one's live elements (the same labels and stored vectors, so none is rounded
  // again), linked afresh with the same settings, capacity and ef; deleted elements, their records and links stay
  // behind. `threads` link elements at once; keep_going() is asked before each (false: stop with kCancelled) and
  // counted() called after it, from those threads. Adds and deletes must not run on this index meanwhile (the
  // binding refuses them); searches may. Throws kReadOnly for a mapped index.
  std::unique_ptr<HierarchicalNsw> compacted(std::size_t threads, const std::function<bool()>& keep_going,
                                             const std::function<void()>& counted) const;

  // Changes the capacity. Throws kResizeTooSmall below element_count(), kOutOfMemory.
  void resize(std::size_t new_max_elements);

  // The stored (for cosine: normalised) vector of a live label, as float32 values (Space::decode). Throws
  // kLabelNotFound if absent or deleted.
  std::vector<float> get_vector(std::uint64_t label) const;
  // get_vector of n labels at once, into out (n * dim floats, row i for labels[i]), under one lock. Throws
  // kLabelNotFound naming the first label absent or deleted (out is then partly written).
  void get_vectors(const std::uint64_t* labels, std::size_t n, float* out) const;
  // Every label in the index, in internal-id order: deleted ones included, or only the live ones.
  std::vector<std::uint64_t> labels(bool include_deleted = true) const;

  const Space& space() const { return space_; }
  std::size_t max_elements() const { return capacity_; }
  std::size_t element_count() const { return count_.load(std::memory_order_acquire); }
  std::size_t deleted_count() const {
    ensure_labels();
    return deleted_count_.load(std::memory_order_relaxed);
  }
  std::size_t m() const { return m_; }
  std::size_t ef_construction() const { return ef_construction_; }
  bool allow_replace_deleted() const { return allow_replace_deleted_; }
  bool auto_grow() const { return auto_grow_.load(std::memory_order_relaxed); }
  void set_auto_grow(bool on) { auto_grow_.store(on, std::memory_order_relaxed); }
  // Raises the capacity to at least `needed`: to twice the present one (at least 16), or `needed` if that is more,
  // capped below 2^32. Nothing happens if the capacity is already enough (another thread grew it first). Takes the
  // structure lock exclusively, as resize does; kIndexFull if `needed` cannot fit below 2^32.
  void grow_to(std::size_t needed);
  std::size_t ef() const { return ef_.load(std::memory_order_relaxed); }
  void set_ef(std::size_t ef) { ef_.store(ef, std::memory_order_relaxed); }
  int max_level() const;
  std::uint32_t entry_point() const;                                       // an internal id, or kNoEntry while empty
  std::uint64_t label_at(std::uint32_t id) const { return label_of(id); }  // id < element_count()
  // Element count per level (index i: elements whose top level is >= i) and mean out-degree per level.
  std::vector<std::size_t> level_counts() const;
  std::vector<double> mean_out_degree() const;
  std::size_t memory_bytes() const;  // what the index holds in the heap (a mapped file's pages are not counted)
  // What the elements in use hold, in constant time: memory_bytes without the unused capacity, and the upper lists
  // at their expected 1 / (M - 1) per element instead of counted. The binding reports it to the JS engine's garbage
  // collector as elements come and go.
  std::size_t footprint_bytes() const;
  // A read-only index over a mapped file (map_hnsw_file in io/index_io.h): the records and upper-level lists are the
  // file's own bytes. Changing it throws kReadOnly. mapped_bytes() is the file's size, 0 for an index in memory.
  bool read_only() const { return mapping_ != nullptr; }
  std::size_t mapped_bytes() const;
  SearchStats search_stats() const;
  void reset_search_stats();

  // Blocks adds and deletes while fn runs (searches continue): used by the writer to see one consistent state.
  template <typename Fn>
  void with_writes_paused(Fn&& fn) const {
    std::shared_lock<std::shared_mutex> structure(structure_.mutex);
    std::unique_lock<WriteGate> gate(write_gate_);
    fn();
  }

 private:
  friend struct HnswCodec;  // io/hnsw_file.cc reads and rebuilds the raw structure

  // Record accessors (see the layout above). The ones a search calls per element are defined inline below the
  // class, so every translation unit of the index inlines them.
  char* record(std::uint32_t id) const {
    return const_cast<char*>(level0_.data()) + static_cast<std::size_t>(id) * record_bytes_;
  }
  std::uint8_t* link_header(std::uint32_t id, int level) const;
  char* vector_of(std::uint32_t id) const { return record(id) + vector_offset_; }
  // A label is two atomic 32-bit halves (records put it at 4-byte alignment only), written under a seqlock, so a
  // search reading the label of a slot that replace_deleted is renewing gets the old or the new label, never a mix.
  std::uint64_t label_of(std::uint32_t id) const {
    std::uint64_t label;
    return try_label_of(id, label) ? label : label_of_retrying(id);
  }
  bool try_label_of(std::uint32_t id, std::uint64_t& label) const;  // false while a write is in progress
  std::uint64_t label_of_retrying(std::uint32_t id) const;
  void set_label(std::uint32_t id, std::uint64_t label);
  bool deleted_flag(std::uint32_t id) const;
  void set_deleted_flag(std::uint32_t id, bool deleted);
  std::size_t max_links(int level) const { return level == 0 ? max_m0_ : max_m_; }
  // An element's top level. Written once by its insertion, after its upper lists exist, and read without locks by
  // searches and statistics: a release store and acquire loads, so a reader that sees the level also sees the lists.
  int level_of(std::uint32_t id) const;
  void set_level(std::uint32_t id, int level);

  int random_level();
  // Links a new element whose record (vector, label, zeroed links) add() has written, at the given top level.
  void insert_new(std::uint32_t id, int level);
  // Tombstones or revives label (mark_deleted, unmark_deleted).
  void change_deleted(std::uint64_t label, bool deleted);
  // label_to_id_[label] = id, noting the label in default_labels_; labels_mutex_ held.
  void map_label(std::uint64_t label, std::uint32_t id);
  void update_existing(std::uint32_t id, const void* encoded);
  // Writes a new element's record (the stored form of its vector, its label) into the next free slot, below the
  // capacity, and maps the label; labels_mutex_ held. Returns the slot, whose links insert_new makes.
  std::uint32_t claim_slot(const void* encoded, std::uint64_t label);
  // add, or false (having changed nothing) when a new label finds no free slot in an index that grows by itself.
  bool add_once(const float* vector, std::uint64_t label, bool replace_deleted);
  // Replaces a live element's vector in place while searches may be reading it (see the .cc file).
  void overwrite_vector(std::uint32_t id, const void* encoded);
  void link_element(std::uint32_t id, int top_level, bool skip_self);

  // Copies the ids of the level-`level` list at header that visited has not seen to fresh, marking them; returns
  // how many. Ids at or above link_bound_ are skipped, and at most max_links(level) are read (see link_bound_).
  std::size_t take_unvisited(const std::uint8_t* header, int level, VisitedList& visited,
                             std::vector<std::uint32_t>& fresh) const;
  // Asks the CPU to start loading every cache line of id's vector.
  void prefetch_vector(std::uint32_t id) const;
  // What the searches below walk the graph towards: a query in the space's query form (Space::encode_query),
  // compared by Space::query_distance, or a stored vector (construction links an element), compared by
  // Space::distance; for f16 with its values widened once (`widened`, see Space::widen_f16).
  struct Probe {
    const void* vector;
    bool is_query;
    const float* widened = nullptr;
  };
  // The probe for linking the stored vector v; `widened` holds what an f16 probe points to.
  Probe stored_probe(const char* v, std::vector<float>& widened) const {
    if (space_.precision() != Precision::kF16) return {v, false};
    widened.resize(space_.dim());
    space_.widen_f16(v, widened.data());
    return {v, false, widened.data()};
  }
  float probe_distance(Probe probe, const char* vector, const char* ahead = nullptr) const {
    if (probe.widened != nullptr) return space_.widened_f16_distance(probe.widened, probe.vector, vector, ahead);
    if (probe.is_query) {
      const auto* query = static_cast<const float*>(probe.vector);
      return ahead != nullptr ? space_.query_distance_ahead(query, vector, ahead)
                              : space_.query_distance(query, vector);
    }
    return ahead != nullptr ? space_.distance_ahead(probe.vector, vector, ahead)
                            : space_.distance(probe.vector, vector);
  }
  // Calls visit(id, distance from probe) for the ids id_at(0..count) in order, with the vectors two places ahead on
  // their way to the cache meanwhile.
  template <typename IdAt, typename Visit>
  void for_each_distance(Probe probe, std::size_t count, IdAt&& id_at, Visit&& visit) const;

  // Alg. 2's loop, the one step both searches share (hierarchical_nsw_search.cc): expands the closest candidate
  // of scratch.candidates on `level` until scratch.found holds ef elements none farther than the closest left.
  // The caller seeds both heaps and marks the seeds visited; admit(id) says whether a reached element may enter
  // found (it is walked through either way). Returns the elements expanded and the distances computed.
  template <typename Admit>
  BeamWork beam_search(Probe probe, std::size_t ef, int level, VisitedList& visited, SearchScratch& scratch,
                       Admit&& admit) const;
  // Alg. 2 for construction: beam search on one level from seeds, deleted elements included.
  std::vector<Candidate> search_layer(Probe probe, const std::vector<Candidate>& seeds, std::size_t ef, int level,
                                      std::uint32_t exclude) const;
  // Greedy descent (ef = 1) from the entry point down to level stop_level + 1.
  Candidate greedy_descent(Probe probe, std::uint32_t entry, int from_level, int stop_level, SearchStats* stats) const;
  // What a query may return: live elements that filter (if any) allows. The deleted count is loaded once, with
  // acquire, pairing with the release decrements: a search that sees no element deleted also sees the labels and
  // vectors the slots got before their flags were cleared, and skips the flag. A mapped index counts its deleted
  // elements only when first asked (ensure_labels), so it checks every flag.
  struct Admission {
    const HierarchicalNsw& index;
    const LabelFilter* filter;
    bool any_deleted;
    bool operator()(std::uint32_t id) const {
      if (any_deleted && index.deleted_flag(id)) return false;
      return filter == nullptr || filter->allowed(index.label_of(id));
    }
  };
  Admission admission(const LabelFilter* filter) const {
    return {*this, filter, deleted_count_.load(std::memory_order_acquire) != 0 || read_only()};
  }
  // Alg. 2 at level 0 for queries: only live, allowed elements enter the result set, left in scratch.result.
  void search_base_for_query(const float* query, Candidate entry, std::size_t ef, const LabelFilter* filter,
                             SearchStats* stats, SearchScratch& scratch) const;
  // The level-0 walk of search_range: every element within `radius` is expanded, besides a beam of the `width`
  // closest beyond it; live, allowed elements within the radius are left in scratch.result, at most max_results.
  void range_walk(const float* query, Candidate entry, float radius, std::size_t max_results, std::size_t width,
                  const LabelFilter* filter, SearchStats* stats, SearchScratch& scratch) const;
  // The labelled hits of a search's found elements, in SearchHits order.
  SearchHits hits_of(const std::vector<Candidate>& found) const;
  // Alg. 4: keeps at most m of candidates (sorted closest first) that are closer to the base than to any kept one.
  void select_neighbors(std::vector<Candidate>& candidates, std::size_t m) const;
  // Adds a link from -> to at level, shrinking from's list with the heuristic when it is full.
  void connect(std::uint32_t from, std::uint32_t to, float distance, int level);
  void set_links(std::uint32_t id, int level, const std::vector<Candidate>& links);
  void reallocate(std::size_t new_capacity);

  // What a mapped index needs (hierarchical_nsw.cc). Its label map and deleted count are built on first use, since
  // building them reads every record, which opening must not; ensure_labels does that, once, for the methods that
  // need them. require_writable throws kReadOnly for a mapped index. check_mapping throws kCorruptFile once the
  // mapped file has shrunk (MappedFile::shrunk): what was read past its new end was zeros, not the index.
  void ensure_labels() const {
    if (!labels_ready_.load(std::memory_order_acquire)) index_labels();
  }
  void index_labels() const;
  void require_writable() const;
  void check_mapping() const;

  Space space_;
  std::size_t m_, max_m_, max_m0_, ef_construction_;
  double level_mult_;
  bool allow_replace_deleted_;
  std::atomic<bool> auto_grow_{false};

  // Record geometry in bytes.
  std::size_t links0_bytes_;  // 4 + 4*max_m0: header plus level-0 links; also the vector's offset
  std::size_t vector_offset_;
  std::size_t label_offset_;       // vector_offset_ + space_.vector_bytes() (4*dim for float32)
  std::size_t record_bytes_;       // label_offset_ + 8
  std::size_t upper_block_bytes_;  // 4 + 4*max_m: one upper-level list

  // Per-capacity storage is calloc'd (CallocArray): slots never used are never committed.
  std::size_t capacity_ = 0;
  CallocArray<char> level0_;          // capacity_ records
  CallocArray<std::uint8_t*> upper_;  // per element: new[]'d level * upper_block_bytes_, or null
  // Every non-null upper_ entry has an id below this. Raised by concurrent inserts, read only by exclusive holders.
  std::atomic<std::size_t> upper_extent_{0};
  CallocArray<std::int32_t> levels_;  // per element: its top level (level_of, set_level)
  // Guards writes to link lists: element id -> stripe. No code path holds two at once, so stripes cannot
  // deadlock, and they cost a fixed 4 KiB instead of a lock per slot.
  static constexpr std::size_t kLinkLockStripes = 4096;
  std::unique_ptr<SpinLock[]> link_locks_;
  SpinLock& link_lock(std::uint32_t id) const { return link_locks_[id % kLinkLockStripes]; }
  void set_upper(std::uint32_t id, std::uint8_t* lists);  // takes ownership, frees the previous lists
  std::atomic<std::size_t> count_{0};
  std::atomic<std::size_t> deleted_count_{0};
  // Searches skip any link id at or above this, one compare per link: the capacity for an index in memory, whose
  // links are always below it, and the element count for a mapped file, whose bytes another process may rewrite.
  std::uint32_t link_bound_ = 0;
  // The mapped file of a read-only index (records and upper lists point into it), else null; see ensure_labels.
  std::shared_ptr<const MappedFile> mapping_;
  mutable std::atomic<bool> labels_ready_{true};

  // The entry point is published (release) after its level and links are written, so the graph's top level is
  // always levels_[entry_]: one atomic read gives a consistent pair. entry_mutex_ is held by an insertion that
  // raises the top level, for its whole duration.
  mutable std::mutex entry_mutex_;
  std::atomic<std::uint32_t> entry_{kNoEntry};

  // Guards label_to_id_, free_slots_, default_labels_ and, with them, every change of an element's deleted
  // flag and of deleted_count_, so the two always agree.
  mutable std::mutex labels_mutex_;
  std::unordered_map<std::uint64_t, std::uint32_t> label_to_id_;
  DefaultLabels default_labels_;
  std::vector<std::uint32_t> free_slots_;  // deleted ids that a replace_deleted add may reuse
  static constexpr std::size_t kLabelStripes = 1024;
  std::unique_ptr<std::mutex[]> label_stripes_;  // serialise adds of one label

  // The labels' seqlock: odd while set_label writes, which label_write_lock_ serialises.
  std::atomic<std::uint32_t> label_seq_{0};
  SpinLock label_write_lock_;

  std::mutex rng_mutex_;
  std::mt19937_64 level_rng_;
  std::atomic<std::size_t> ef_{10};

  std::unique_ptr<VisitedPool> visited_;
  mutable SearchCounters stats_;  // one cache line per thread slot, summed when read

  // Every search takes this shared, which writes the lock's reader count: alone on its cache line, so that write
  // does not evict the fields around it (ef_, visited_, ...) that every search on the other cores reads.
  struct alignas(kSlotAlign) StructureMutex {
    std::shared_mutex mutex;
  };
  mutable StructureMutex structure_;
  mutable WriteGate write_gate_;
};

// ---- record accessors, inline: searches call them for every element they reach ---------------------------------

inline std::uint8_t* HierarchicalNsw::link_header(std::uint32_t id, int level) const {
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
inline bool HierarchicalNsw::try_label_of(std::uint32_t id, std::uint64_t& label) const {
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

inline bool HierarchicalNsw::deleted_flag(std::uint32_t id) const {
  const std::uint8_t* flags = reinterpret_cast<const std::uint8_t*>(record(id)) + 2;
#if defined(__GNUC__) || defined(__clang__)
  return (__atomic_load_n(flags, __ATOMIC_ACQUIRE) & 1u) != 0;
#else
  return (*reinterpret_cast<const volatile std::uint8_t*>(flags) & 1u) != 0;
#endif
}

inline int HierarchicalNsw::level_of(std::uint32_t id) const {
#if defined(__GNUC__) || defined(__clang__)
  return __atomic_load_n(&levels_[id], __ATOMIC_ACQUIRE);
#else
  return *static_cast<const volatile std::int32_t*>(&levels_[id]);
#endif
}

}  // namespace hnswkit
