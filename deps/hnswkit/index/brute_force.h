// Exact search by scanning every stored vector; the ground truth HNSW is measured against.
//
// Storage is hnswlib's brute-force layout (docs/format.md 3): capacity slots of [vector][u64 label], the vector in
// the space's stored form (Space::vector_bytes(): dim float32 values, or the f16 or i8 form of space/space.h),
// the first count of them in use. Removal moves the last slot into the hole.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "index/default_labels.h"
#include "index/search_types.h"
#include "space/space.h"
#include "util/calloc_array.h"

namespace hnswkit {

class BruteForce {
 public:
  BruteForce(const Space& space, std::size_t max_elements);

  // Appends a new label or overwrites an existing one. Throws kIndexFull.
  void add(const float* vector, std::uint64_t label);
  // Removes a label; returns false (and does nothing) if it is absent.
  bool remove(std::uint64_t label);
  // The min(k, count) nearest allowed elements; query holds dim() floats, not yet prepared.
  SearchHits search(const float* query, std::size_t k, const LabelFilter* filter = nullptr) const;
  // Every allowed element whose distance to query is at most radius, closest first (ties by label), at most
  // max_results of them (0: no limit), the closest kept.
  SearchHits search_range(const float* query, float radius, std::size_t max_results = 0,
                          const LabelFilter* filter = nullptr) const;
  // The stored (for cosine: normalised) vector, as float32 values (Space::decode). Throws kLabelNotFound.
  std::vector<float> get_vector(std::uint64_t label) const;
  // get_vector of n labels at once into out (n * dim floats), as HierarchicalNsw::get_vectors.
  void get_vectors(const std::uint64_t* labels, std::size_t n, float* out) const;
  std::vector<std::uint64_t> labels() const;
  bool contains(std::uint64_t label) const;
  // Reserves n labels for an add that was given none, as HierarchicalNsw::reserve_default_labels: from count() or
  // past the last label reserved before, skipping the labels held now.
  void reserve_default_labels(std::size_t n, std::uint64_t* out);
  // Changes the capacity. Throws kResizeTooSmall below count().
  void resize(std::size_t new_max_elements);

  const Space& space() const { return space_; }
  std::size_t max_elements() const { return capacity_; }
  std::size_t count() const;
  std::size_t slot_bytes() const { return slot_bytes_; }
  std::size_t memory_bytes() const;
  std::size_t footprint_bytes() const;  // the slots in use and their labels: what the binding reports to the GC

  // Runs fn with the structure locked against writers.
  template <typename Fn>
  void with_writes_paused(Fn&& fn) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    fn();
  }

 private:
  friend struct BruteForceCodec;  // io/brute_force_file.cc

  char* vector_of(std::size_t slot) { return slots_.data() + slot * slot_bytes_; }
  const char* vector_of(std::size_t slot) const { return slots_.data() + slot * slot_bytes_; }
  std::uint64_t label_at(std::size_t slot) const;
  void set_label_at(std::size_t slot, std::uint64_t label);
  void map_label(std::uint64_t label, std::size_t slot);  // label_to_slot_[label] = slot, noted in default_labels_

  Space space_;
  std::size_t slot_bytes_;  // space_.vector_bytes() + 8
  std::size_t capacity_;
  std::size_t count_ = 0;
  CallocArray<char> slots_;  // capacity_ * slot_bytes_, committed as slots are used
  std::unordered_map<std::uint64_t, std::size_t> label_to_slot_;
  DefaultLabels default_labels_;
  mutable std::shared_mutex mutex_;
};

}  // namespace hnswkit
