// The HNSW index's storage and bookkeeping: records, labels, tombstones and capacity. Searching is in
// hierarchical_nsw_search.cc, inserting and updating in hierarchical_nsw_insert.cc.
#include "index/hierarchical_nsw.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <thread>

#include "io/byte_io.h"
#include "util/error.h"

namespace hnswkit {
namespace {

std::string count_text(std::size_t n) { return std::to_string(n); }

}  // namespace

HierarchicalNsw::HierarchicalNsw(const Space& space, const HnswParams& params)
    : space_(space),
      m_(params.m),
      max_m_(params.m),
      max_m0_(params.m * 2),
      ef_construction_(std::max(params.ef_construction, params.m)),
      level_mult_(0),
      allow_replace_deleted_(params.allow_replace_deleted),
      auto_grow_(params.auto_grow),
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
  while (id >= extent &&
         !upper_extent_.compare_exchange_weak(extent, static_cast<std::size_t>(id) + 1, std::memory_order_relaxed)) {
  }
}

// ---- record access ------------------------------------------------------------------------------------------

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
  link_bound_ = static_cast<std::uint32_t>(new_capacity);
}

void HierarchicalNsw::resize(std::size_t new_max_elements) {
  require_writable();
  std::unique_lock<std::shared_mutex> structure(structure_.mutex);
  const std::size_t count = count_.load();
  if (new_max_elements < count) {
    throw Error(ErrorCode::kResizeTooSmall, "Cannot resize, max element is less than the current number of elements");
  }
  reallocate(new_max_elements);
}

void HierarchicalNsw::grow_to(std::size_t needed) {
  require_writable();
  std::unique_lock<std::shared_mutex> structure(structure_.mutex);
  if (capacity_ >= needed) return;
  if (needed > kNoEntry) {
    throw Error(ErrorCode::kIndexFull,
                "The number of elements exceeds the specified limit (autoGrow stops below 2^32)");
  }
  const std::size_t doubled = capacity_ < 8 ? 16 : 2 * capacity_;
  reallocate(std::min<std::size_t>(std::max(doubled, needed), kNoEntry));
}

// ---- labels and tombstones ----------------------------------------------------------------------------------

void HierarchicalNsw::map_label(std::uint64_t label, std::uint32_t id) {
  label_to_id_[label] = id;
  default_labels_.note_held(label);
}

void HierarchicalNsw::reserve_default_labels(std::size_t n, std::uint64_t* out) {
  require_writable();
  std::lock_guard<std::mutex> lock(labels_mutex_);
  default_labels_.reserve(count_.load(), n, out, [&](std::uint64_t label) { return label_to_id_.count(label) != 0; });
}

void HierarchicalNsw::mark_deleted(std::uint64_t label) { change_deleted(label, true); }
void HierarchicalNsw::unmark_deleted(std::uint64_t label) { change_deleted(label, false); }

void HierarchicalNsw::change_deleted(std::uint64_t label, bool deleted) {
  require_writable();
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::shared_lock<WriteGate> gate(write_gate_);
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end()) throw Error(ErrorCode::kLabelNotFound, "Label not found");
  const std::uint32_t id = it->second;
  if (deleted_flag(id) == deleted) {
    if (deleted) throw Error(ErrorCode::kAlreadyDeleted, "The requested to delete element is already deleted");
    throw Error(ErrorCode::kNotDeleted, "The requested to undelete element is not deleted");
  }
  set_deleted_flag(id, deleted);
  if (deleted) {
    deleted_count_.fetch_add(1, std::memory_order_relaxed);
    if (allow_replace_deleted_) free_slots_.push_back(id);
    return;
  }
  // Release, pairing with the searches' acquire load of the count (search_base_for_query).
  deleted_count_.fetch_sub(1, std::memory_order_release);
  if (allow_replace_deleted_) {
    auto slot = std::find(free_slots_.begin(), free_slots_.end(), id);
    if (slot != free_slots_.end()) free_slots_.erase(slot);
  }
}

// ---- queries ------------------------------------------------------------------------------------------------

bool HierarchicalNsw::contains(std::uint64_t label) const {
  ensure_labels();
  std::lock_guard<std::mutex> lock(labels_mutex_);
  return label_to_id_.count(label) != 0;
}

bool HierarchicalNsw::is_deleted(std::uint64_t label) const {
  ensure_labels();
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end()) throw Error(ErrorCode::kLabelNotFound, "Label not found");
  return deleted_flag(it->second);
}

std::vector<float> HierarchicalNsw::get_vector(std::uint64_t label) const {
  ensure_labels();
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  // Copied under the label mutex: a replaceDeleted add that takes this slot for another label first unmaps this
  // one under the same mutex, so the copy cannot be of the slot's next vector.
  std::lock_guard<std::mutex> lock(labels_mutex_);
  auto it = label_to_id_.find(label);
  if (it == label_to_id_.end() || deleted_flag(it->second)) {
    check_mapping();  // a label read as zeros from a truncated file is not a missing label
    throw Error(ErrorCode::kLabelNotFound, "Label not found");
  }
  std::vector<float> out(space_.dim());
  space_.decode(vector_of(it->second), out.data());
  check_mapping();
  return out;
}

void HierarchicalNsw::get_vectors(const std::uint64_t* labels, std::size_t n, float* out) const {
  ensure_labels();
  std::shared_lock<std::shared_mutex> structure(structure_.mutex);
  std::lock_guard<std::mutex> lock(labels_mutex_);  // as get_vector
  const std::size_t dim = space_.dim();
  for (std::size_t i = 0; i < n; ++i) {
    auto it = label_to_id_.find(labels[i]);
    if (it == label_to_id_.end() || deleted_flag(it->second)) {
      check_mapping();
      throw Error(ErrorCode::kLabelNotFound,
                  "Label not found: " + std::to_string(labels[i]) + " (labels[" + std::to_string(i) + "])");
    }
    space_.decode(vector_of(it->second), out + i * dim);
  }
  check_mapping();
}

// ---- read-only indexes over a mapped file -------------------------------------------------------------------

void HierarchicalNsw::index_labels() const {
  std::lock_guard<std::mutex> lock(labels_mutex_);
  if (labels_ready_.load(std::memory_order_relaxed)) return;
  // Built once, under the label mutex, on the first call that needs the map; until then the index has answered
  // only searches, which need neither. Logically const: it fills in what loading would have.
  auto& self = const_cast<HierarchicalNsw&>(*this);
  const std::size_t count = count_.load();
  std::size_t deleted = 0;
  for (std::size_t id = 0; id < count; ++id) {
    const auto uid = static_cast<std::uint32_t>(id);
    self.map_label(label_of(uid), uid);
    if (deleted_flag(uid)) ++deleted;
  }
  self.deleted_count_.store(deleted, std::memory_order_relaxed);
  labels_ready_.store(true, std::memory_order_release);
  check_mapping();
}

void HierarchicalNsw::require_writable() const {
  if (mapping_ != nullptr) {
    throw Error(ErrorCode::kReadOnly,
                "the index is read-only (mapped from " + mapping_->path() + "); load it without mmap to change it");
  }
}

void HierarchicalNsw::check_mapping() const {
  if (mapping_ != nullptr && mapping_->shrunk()) {
    throw Error(ErrorCode::kCorruptFile,
                "the mapped file " + mapping_->path() + " was truncated while open; open it again");
  }
}

std::size_t HierarchicalNsw::mapped_bytes() const { return mapping_ != nullptr ? mapping_->size() : 0; }

}  // namespace hnswkit
