// libFuzzer target over the engine's index readers (HNSW and brute force, hnswlib's formats and the native one),
// built from deps/ alone.
//
// The first input byte picks the index kind, the space and how to load (docs/format.md 6.7):
//   bit 0     brute force (else HNSW)          bits 1-2  metric l2/ip/cosine (value % 3)
//   bits 3-4  the space's precision f32/f16/i8 (value % 3)
//   bit 5     convert to that precision        bit 6     native files: keep the selector's metric and dimension
//   bit 7     allow_replace_deleted (HNSW)
// The dimension (and, for a native file, the metric) is taken from the header when it looks plausible, so mutations
// reach the record and link validation instead of stopping at the dimension check. A reader must either throw
// hnswkit::Error or return an index that survives searches, edits and a re-save, whose bytes it reads back into an
// index that saves them again unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "index/brute_force.h"
#include "index/hierarchical_nsw.h"
#include "io/index_io.h"
#include "io/native_header.h"
#include "util/error.h"

using namespace hnswkit;

namespace {

template <typename T>
T read_at(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

bool native_file(const std::uint8_t* data, std::size_t size) {
  return size >= 8 && is_native_magic(read_at<std::uint64_t>(data));
}

std::size_t guess_dimension(bool hnsw, const std::uint8_t* data, std::size_t size) {
  if (native_file(data, size) && size >= native_field::kDim + 8) {
    const std::uint64_t dim = read_at<std::uint64_t>(data + native_field::kDim);
    return dim >= 1 && dim <= 4096 ? static_cast<std::size_t>(dim) : 4;
  }
  std::uint64_t bytes = 0;
  if (hnsw && size >= 48) {
    const std::uint64_t label_offset = read_at<std::uint64_t>(data + 32),
                        vector_offset = read_at<std::uint64_t>(data + 40);
    if (label_offset > vector_offset) bytes = label_offset - vector_offset;
  } else if (!hnsw && size >= 16) {
    const std::uint64_t slot = read_at<std::uint64_t>(data + 8);
    if (slot > 8) bytes = slot - 8;
  }
  return (bytes % 4 == 0 && bytes / 4 >= 1 && bytes / 4 <= 4096) ? static_cast<std::size_t>(bytes / 4) : 4;
}

Metric guess_metric(Metric selected, const std::uint8_t* data, std::size_t size) {
  if (!native_file(data, size) || size < native_field::kMetric + 4) return selected;
  const std::uint32_t code = read_at<std::uint32_t>(data + native_field::kMetric);
  constexpr Metric kByCode[] = {Metric::kL2, Metric::kInnerProduct, Metric::kCosine};
  return code < 3 ? kByCode[code] : selected;
}

// A file the writers made that the readers refuse, or that does not save back to itself, is a bug: abort.
[[noreturn]] void fail(const char* what, const char* detail) {
  std::fprintf(stderr, "fuzz_index_reader: %s: %s\n", what, detail);
  std::abort();
}

template <typename Index, typename Read, typename Write>
void check_resave(const Index& index, Read&& read, Write&& write) {
  const std::vector<std::uint8_t> again = write(index);
  try {
    const std::vector<std::uint8_t> third = write(*read(again, index.space()));
    if (third != again) fail("a re-saved index", "saves differently after it is read back");
  } catch (const Error& e) {
    fail("a re-saved index is refused", e.what());
  }
}

void exercise_hnsw(HierarchicalNsw& index) {
  std::vector<float> query(index.space().dim(), 0.5f);
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
  check_resave(
      index,
      [&](const std::vector<std::uint8_t>& bytes, const Space& space) {
        return read_hnsw_buffer(bytes.data(), bytes.size(), space, false, 0, index.allow_replace_deleted());
      },
      [](const HierarchicalNsw& x) { return write_hnsw_buffer(x); });
}

void exercise_brute_force(BruteForce& index) {
  std::vector<float> query(index.space().dim(), 0.5f);
  (void)index.search(query.data(), 5);
  const std::vector<std::uint64_t> labels = index.labels();
  if (!labels.empty()) index.remove(labels.back());
  if (index.count() < index.max_elements()) index.add(query.data(), 12345);
  (void)index.search(query.data(), 5);
  check_resave(
      index,
      [](const std::vector<std::uint8_t>& bytes, const Space& space) {
        return read_brute_force_buffer(bytes.data(), bytes.size(), space, false);
      },
      [](const BruteForce& x) { return write_brute_force_buffer(x); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const bool hnsw = (selector & 1u) == 0;
  const Metric selected = static_cast<Metric>((selector >> 1) % 3);
  const Precision precision = static_cast<Precision>(((selector >> 3) & 3u) % 3);
  const bool convert = (selector & 0x20u) != 0;
  const bool keep_selected = (selector & 0x40u) != 0;
  const bool allow_replace = (selector & 0x80u) != 0;
  ++data;
  --size;
  try {
    const Metric metric = keep_selected ? selected : guess_metric(selected, data, size);
    const Space space(metric, keep_selected ? 4 : guess_dimension(hnsw, data, size), precision);
    if (hnsw) {
      std::unique_ptr<HierarchicalNsw> index = read_hnsw_buffer(data, size, space, convert, 0, allow_replace);
      exercise_hnsw(*index);
    } else {
      std::unique_ptr<BruteForce> index = read_brute_force_buffer(data, size, space, convert);
      exercise_brute_force(*index);
    }
  } catch (const Error&) {
    // The expected outcome for nearly every mutated input: a clean, typed refusal.
  }
  return 0;
}
