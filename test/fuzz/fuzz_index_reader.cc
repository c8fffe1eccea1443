// libFuzzer target over the engine's index readers (HNSW and brute force), built from deps/ alone.
//
// The first input byte picks the index kind and the space; the dimension is taken from the header when it looks
// plausible, so mutations reach the record and link validation instead of stopping at the dimension check. A
// reader must either throw hnswkit::Error or return an index that survives searches, edits and a re-save.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "index/brute_force.h"
#include "index/hierarchical_nsw.h"
#include "io/index_io.h"
#include "util/error.h"

using namespace hnswkit;

namespace {

std::uint64_t read_u64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

std::size_t guess_dimension(bool hnsw, const std::uint8_t* data, std::size_t size) {
  std::uint64_t bytes = 0;
  if (hnsw && size >= 48) {
    const std::uint64_t label_offset = read_u64(data + 32), vector_offset = read_u64(data + 40);
    if (label_offset > vector_offset) bytes = label_offset - vector_offset;
  } else if (!hnsw && size >= 16) {
    const std::uint64_t slot = read_u64(data + 8);
    if (slot > 8) bytes = slot - 8;
  }
  return (bytes % 4 == 0 && bytes / 4 >= 1 && bytes / 4 <= 4096) ? static_cast<std::size_t>(bytes / 4) : 4;
}

void exercise_hnsw(HierarchicalNsw& index, const Space& space) {
  std::vector<float> query(space.dim(), 0.5f);
  index.set_ef(16);
  (void)index.search(query.data(), 5);
  const std::vector<std::uint64_t> labels = index.labels();
  if (!labels.empty()) {
    try {
      (void)index.get_vector(labels.front());
      index.mark_deleted(labels.front());
      (void)index.search(query.data(), 5);
      index.unmark_deleted(labels.front());
    } catch (const Error&) {
      // A label stored twice maps to one slot; the other copy's operations report kLabelNotFound and the like.
    }
  }
  if (index.element_count() < index.max_elements() && index.max_elements() < 100000) {
    index.add(query.data(), 0xFFFFFFFFFFull);
    (void)index.search(query.data(), 5);
  }
  std::vector<std::uint8_t> again = write_hnsw_buffer(index);
  (void)read_hnsw_buffer(again.data(), again.size(), space, false, 0, false);
}

void exercise_brute_force(BruteForce& index, const Space& space) {
  std::vector<float> query(space.dim(), 0.5f);
  (void)index.search(query.data(), 5);
  const std::vector<std::uint64_t> labels = index.labels();
  if (!labels.empty()) index.remove(labels.back());
  if (index.count() < index.max_elements()) index.add(query.data(), 12345);
  (void)index.search(query.data(), 5);
  std::vector<std::uint8_t> again = write_brute_force_buffer(index);
  (void)read_brute_force_buffer(again.data(), again.size(), space, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool hnsw = (data[0] & 1u) == 0;
  const Metric metric = static_cast<Metric>((data[0] >> 1) % 3);
  const bool allow_replace = (data[0] & 0x80u) != 0;
  ++data;
  --size;
  try {
    const Space space(metric, guess_dimension(hnsw, data, size));
    if (hnsw) {
      std::unique_ptr<HierarchicalNsw> index = read_hnsw_buffer(data, size, space, false, 0, allow_replace);
      exercise_hnsw(*index, space);
    } else {
      std::unique_ptr<BruteForce> index = read_brute_force_buffer(data, size, space, false);
      exercise_brute_force(*index, space);
    }
  } catch (const Error&) {
    // The expected outcome for nearly every mutated input: a clean, typed refusal.
  }
  return 0;
}
