// Exact k-nearest-neighbour search over a flat slot array, with hnswlib's brute-force storage layout.
#include "index/brute_force.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <queue>
#include <string>

#include "util/error.h"

namespace hnswkit {

BruteForce::BruteForce(const Space& space, std::size_t max_elements)
    : space_(space), slot_bytes_(space.vector_bytes() + sizeof(std::uint64_t)), capacity_(0) {
  resize(max_elements);
}

std::uint64_t BruteForce::label_at(std::size_t slot) const {
  std::uint64_t label;
  std::memcpy(&label, slots_.data() + slot * slot_bytes_ + space_.vector_bytes(), sizeof(label));
  return label;
}

void BruteForce::set_label_at(std::size_t slot, std::uint64_t label) {
  std::memcpy(slots_.data() + slot * slot_bytes_ + space_.vector_bytes(), &label, sizeof(label));
}

std::size_t BruteForce::count() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return count_;
}

void BruteForce::resize(std::size_t new_max_elements) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  if (new_max_elements < count_) {
    throw Error(ErrorCode::kResizeTooSmall, "Cannot resize, max element is less than the current number of elements");
  }
  if (new_max_elements > std::numeric_limits<std::size_t>::max() / slot_bytes_) {
    throw Error(ErrorCode::kOutOfMemory,
                "capacity " + std::to_string(new_max_elements) + " overflows the address space");
  }
  CallocArray<char> slots;
  if (!slots.allocate(new_max_elements * slot_bytes_)) {
    throw Error(ErrorCode::kOutOfMemory, "not enough memory for " + std::to_string(new_max_elements) + " elements of " +
                                             std::to_string(slot_bytes_) + " bytes");
  }
  slots.copy_prefix(slots_, count_ * slot_bytes_);
  slots_.swap(slots);
  capacity_ = new_max_elements;
}

void BruteForce::add(const float* vector, std::uint64_t label) {
  // Encoded before anything changes: an f16 coordinate out of range throws with the index as it was.
  std::vector<float> encoded(space_.vector_words());  // floats only for their 4-byte alignment
  space_.encode(vector, encoded.data());
  std::unique_lock<std::shared_mutex> lock(mutex_);
  std::size_t slot;
  auto it = label_to_slot_.find(label);
  if (it != label_to_slot_.end()) {
    slot = it->second;
  } else {
    // hnswlib's brute-force message ends with a newline; kept so callers matching the whole text still match.
    if (count_ >= capacity_) throw Error(ErrorCode::kIndexFull, "The number of elements exceeds the specified limit\n");
    slot = count_++;
    map_label(label, slot);
  }
  std::memcpy(vector_of(slot), encoded.data(), space_.vector_bytes());
  set_label_at(slot, label);
}

void BruteForce::map_label(std::uint64_t label, std::size_t slot) {
  label_to_slot_[label] = slot;
  default_labels_.note_held(label);
}

void BruteForce::reserve_default_labels(std::size_t n, std::uint64_t* out) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  default_labels_.reserve(count_, n, out, [&](std::uint64_t label) { return label_to_slot_.count(label) != 0; });
}

bool BruteForce::remove(std::uint64_t label) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  auto it = label_to_slot_.find(label);
  if (it == label_to_slot_.end()) return false;
  const std::size_t hole = it->second;
  label_to_slot_.erase(it);
  const std::size_t last = count_ - 1;
  if (hole != last) {
    std::memcpy(slots_.data() + hole * slot_bytes_, slots_.data() + last * slot_bytes_, slot_bytes_);
    label_to_slot_[label_at(hole)] = hole;
  }
  std::memset(slots_.data() + last * slot_bytes_, 0, slot_bytes_);
  count_ = last;
  return true;
}

SearchHits BruteForce::search(const float* query, std::size_t k, const LabelFilter* filter) const {
  std::vector<float> encoded(space_.query_words());
  space_.encode_query(query, encoded.data());
  std::shared_lock<std::shared_mutex> lock(mutex_);
  SearchHits hits;
  k = std::min(k, count_);
  if (k == 0) return hits;

  // A max-heap of the k best so far, ordered by hit_before so ties keep the lowest labels.
  // A lambda, not the function's address, so the heap's comparisons are inlined.
  const auto worse = [](const Neighbor& a, const Neighbor& b) { return hit_before(a, b); };
  std::priority_queue<Neighbor, std::vector<Neighbor>, decltype(worse)> best(worse);
  for (std::size_t slot = 0; slot < count_; ++slot) {
    const float d = space_.query_distance(encoded.data(), vector_of(slot));
    const std::uint64_t label = label_at(slot);
    if (best.size() == k && !worse(Neighbor{d, label}, best.top())) continue;
    // The filter runs only for slots that would enter the result, and the scan never stops early, so an
    // allow-list finds the k nearest allowed elements however many closer ones it rejects.
    if (filter != nullptr && !filter->allowed(label)) continue;
    best.push({d, label});
    if (best.size() > k) best.pop();
  }
  hits.resize(best.size());
  for (std::size_t i = hits.size(); i-- > 0;) {
    hits[i] = best.top();
    best.pop();
  }
  return hits;
}

SearchHits BruteForce::search_range(const float* query, float radius, std::size_t max_results,
                                    const LabelFilter* filter) const {
  std::vector<float> encoded(space_.query_words());
  space_.encode_query(query, encoded.data());
  std::shared_lock<std::shared_mutex> lock(mutex_);
  if (max_results == 0) max_results = std::numeric_limits<std::size_t>::max();
  // As search's heap: ordered by hit_before, so a cut at max_results keeps the lowest of equal labels.
  const auto worse = [](const Neighbor& a, const Neighbor& b) { return hit_before(a, b); };
  SearchHits hits;
  for (std::size_t slot = 0; slot < count_; ++slot) {
    const float d = space_.query_distance(encoded.data(), vector_of(slot));
    if (!(d <= radius)) continue;
    const std::uint64_t label = label_at(slot);
    if (hits.size() == max_results && !worse(Neighbor{d, label}, hits.front())) continue;
    if (filter != nullptr && !filter->allowed(label)) continue;
    hits.push_back({d, label});
    std::push_heap(hits.begin(), hits.end(), worse);
    if (hits.size() > max_results) {
      std::pop_heap(hits.begin(), hits.end(), worse);
      hits.pop_back();
    }
  }
  std::sort_heap(hits.begin(), hits.end(), worse);
  return hits;
}

std::vector<float> BruteForce::get_vector(std::uint64_t label) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  auto it = label_to_slot_.find(label);
  if (it == label_to_slot_.end()) throw Error(ErrorCode::kLabelNotFound, "Label not found");
  std::vector<float> out(space_.dim());
  space_.decode(vector_of(it->second), out.data());
  return out;
}

void BruteForce::get_vectors(const std::uint64_t* labels, std::size_t n, float* out) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  const std::size_t dim = space_.dim();
  for (std::size_t i = 0; i < n; ++i) {
    auto it = label_to_slot_.find(labels[i]);
    if (it == label_to_slot_.end()) {
      throw Error(ErrorCode::kLabelNotFound,
                  "Label not found: " + std::to_string(labels[i]) + " (labels[" + std::to_string(i) + "])");
    }
    space_.decode(vector_of(it->second), out + i * dim);
  }
}

std::vector<std::uint64_t> BruteForce::labels() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  std::vector<std::uint64_t> out(count_);
  for (std::size_t slot = 0; slot < count_; ++slot) out[slot] = label_at(slot);
  return out;
}

bool BruteForce::contains(std::uint64_t label) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return label_to_slot_.count(label) != 0;
}

std::size_t BruteForce::memory_bytes() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return slots_.size() +
         label_to_slot_.size() * (sizeof(std::pair<const std::uint64_t, std::size_t>) + 2 * sizeof(void*)) +
         label_to_slot_.bucket_count() * sizeof(void*);
}

std::size_t BruteForce::footprint_bytes() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  constexpr std::size_t kLabelEntry = sizeof(std::pair<const std::uint64_t, std::size_t>) + 3 * sizeof(void*);
  return count_ * (slot_bytes_ + kLabelEntry);
}

}  // namespace hnswkit
