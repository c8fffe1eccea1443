// Engine test: read-only indexes over a mapped file (map_hnsw_file, docs/format.md 4.8): they answer exactly as the
// loaded index does, in both formats and every precision, refuse every change, and survive their file being
// truncated (POSIX: the SIGBUS guard of MappedFile) or rewritten underneath while they are searched.
#include <cstdio>
#include <fstream>
#include <random>

#ifndef _WIN32
#include <unistd.h>
#endif

#include "engine_test.h"
#include "io/index_io.h"

using namespace hnswkit;

namespace engine_test {
namespace {

void same_hits(const SearchHits& a, const SearchHits& b) {
  CHECK(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].label == b[i].label && a[i].distance == b[i].distance);
}

// Every read method of the mapped index gives what the loaded one gives.
void answers_as_loaded(const HierarchicalNsw& loaded, const HierarchicalNsw& mapped, const std::vector<float>& queries,
                       std::size_t dim) {
  CHECK(mapped.read_only() && !loaded.read_only());
  CHECK(mapped.element_count() == loaded.element_count());
  CHECK(mapped.max_elements() == loaded.max_elements());
  CHECK(mapped.entry_point() == loaded.entry_point() && mapped.max_level() == loaded.max_level());
  const EvenOnly even;
  for (std::size_t q = 0; q < 40; ++q) {
    same_hits(loaded.search(&queries[q * dim], 10, nullptr, 64), mapped.search(&queries[q * dim], 10, nullptr, 64));
    same_hits(loaded.search(&queries[q * dim], 5, &even, 20), mapped.search(&queries[q * dim], 5, &even, 20));
  }
  CHECK(mapped.labels() == loaded.labels());
  CHECK(mapped.deleted_count() == loaded.deleted_count());
  CHECK(mapped.level_counts() == loaded.level_counts());
  CHECK(mapped.mean_out_degree() == loaded.mean_out_degree());
  for (std::uint64_t label : {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{99}}) {
    CHECK(mapped.contains(label) && mapped.is_deleted(label) == loaded.is_deleted(label));
    if (!loaded.is_deleted(label)) CHECK(mapped.get_vector(label) == loaded.get_vector(label));
  }
  CHECK(!mapped.contains(1u << 30));
  CHECK(write_hnsw_buffer(mapped) == write_hnsw_buffer(loaded));
}

void answers_like_a_loaded_index() {
  L2Index built = build_l2_index(2, kReadCaseCount);
  built.index->mark_deleted(7);
  const std::string path = temp_path("mapped.bin");
  write_hnsw_file(*built.index, path);
  std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_file(path, built.space, false, 0, false);
  std::unique_ptr<HierarchicalNsw> mapped = map_hnsw_file(path, built.space, false, false);
  CHECK(mapped->mapped_bytes() == write_hnsw_buffer(*loaded).size() && loaded->mapped_bytes() == 0);
  // Deleted elements stay out of results before anything has counted them.
  for (std::size_t q = 0; q < 200; ++q) {
    for (const Neighbor& hit : mapped->search(&built.queries[q * kDim], 10, nullptr, 64)) CHECK(hit.label != 7);
  }
  answers_as_loaded(*loaded, *mapped, built.queries, kDim);
  CHECK(mapped->is_deleted(7) && mapped->deleted_count() == 1);
  std::remove(path.c_str());
}

void native_files_map_in_every_precision() {
  const std::size_t dim = 20, count = 1500;
  const std::vector<float> data = make_data(count, dim, 3);
  const std::vector<float> queries = make_data(40, dim, 4);
  for (Metric metric : {Metric::kL2, Metric::kCosine}) {
    for (Precision precision : {Precision::kF16, Precision::kI8}) {
      const Space space(metric, dim, precision);
      HnswParams p;
      p.max_elements = count + 10;
      std::unique_ptr<HierarchicalNsw> built = build_index(space, p, data, count);
      const std::string path = temp_path("mapped-native.bin");
      write_hnsw_file(*built, path);
      std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_file(path, space, false, 0, false);
      std::unique_ptr<HierarchicalNsw> mapped = map_hnsw_file(path, space, false, false);
      CHECK(mapped->space().precision() == precision);
      answers_as_loaded(*loaded, *mapped, queries, dim);
      // A mapped file is used as it is: asking for another precision is refused, not converted.
      expect_error(ErrorCode::kInvalidArgument, [&] { map_hnsw_file(path, Space(metric, dim), true, false); });
      CHECK(map_hnsw_file(path, Space(metric, dim), false, false)->space().precision() == precision);
      std::remove(path.c_str());
    }
  }
}

void every_change_is_refused() {
  L2Index built = build_l2_index(1, 500);
  const std::string path = temp_path("mapped-ro.bin");
  write_hnsw_file(*built.index, path);
  std::unique_ptr<HierarchicalNsw> mapped = map_hnsw_file(path, built.space, false, true);
  const std::vector<std::uint8_t> before = write_hnsw_buffer(*mapped);
  std::uint64_t labels[2];
  expect_error(ErrorCode::kReadOnly, [&] { mapped->add(&built.data[0], 0); });
  expect_error(ErrorCode::kReadOnly, [&] { mapped->add(&built.data[0], 100000); });
  expect_error(ErrorCode::kReadOnly, [&] { mapped->add(&built.data[0], 100000, true); });
  expect_error(ErrorCode::kReadOnly, [&] { mapped->mark_deleted(3); });
  expect_error(ErrorCode::kReadOnly, [&] { mapped->unmark_deleted(3); });
  expect_error(ErrorCode::kReadOnly, [&] { mapped->resize(10000); });
  expect_error(ErrorCode::kReadOnly, [&] { mapped->reserve_default_labels(2, labels); });
  CHECK(write_hnsw_buffer(*mapped) == before);
  // Searches set ef and keep statistics, which are not the file's.
  mapped->set_ef(50);
  CHECK(mapped->ef() == 50 && mapped->allow_replace_deleted());
  std::remove(path.c_str());
}

void bad_files_are_refused_when_mapped() {
  L2Index built = build_l2_index(1, 300);
  const std::vector<std::uint8_t> bytes = write_hnsw_buffer(*built.index);
  const std::string path = temp_path("mapped-bad.bin");
  expect_error(ErrorCode::kIo, [&] { map_hnsw_file(path + ".missing", built.space, false, false); });
  for (std::size_t cut : {std::size_t{0}, std::size_t{50}, std::size_t{96}, bytes.size() / 2, bytes.size() - 1}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(cut));
    expect_error(ErrorCode::kCorruptFile, [&] { map_hnsw_file(path, built.space, false, false); });
  }
  expect_error(ErrorCode::kCorruptFile, [&] { map_hnsw_file(path, Space(Metric::kL2, kDim + 1), false, false); });
  std::remove(path.c_str());
}

// Overwrites the file's bytes from `from` on, in place (the same inode, so the mapping sees them), with fill(i).
template <typename Fill>
void rewrite_in_place(const std::string& path, std::size_t from, std::size_t size, Fill&& fill) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  CHECK(f != nullptr);
  std::vector<std::uint8_t> bytes(size - from);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = fill(i);
  std::fseek(f, static_cast<long>(from), SEEK_SET);
  CHECK(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
}

// Another process saving over the file in place: every count and id the searches read may be anything. They must
// finish without reading outside the mapping (ASan) and without hanging.
void survives_its_file_rewritten_in_place() {
  L2Index built = build_l2_index(1, kReadCaseCount);
  const std::string path = temp_path("mapped-rewrite.bin");
  write_hnsw_file(*built.index, path);
  const std::size_t size = write_hnsw_buffer(*built.index).size();
  std::mt19937 rng(5);
  const std::function<std::uint8_t(std::size_t)> fills[] = {
      [](std::size_t) { return std::uint8_t{0xFF}; },
      [&](std::size_t) { return static_cast<std::uint8_t>(rng()); },
      // Counts of 2 and ids that name elements of any level, so the descent follows plausible links.
      [](std::size_t i) {
        return static_cast<std::uint8_t>(i % 4 == 0 ? 2 : i % 4 == 1 ? 0 : i % 4 == 2 ? 1 : 0);
      },
  };
  for (const auto& fill : fills) {
    std::unique_ptr<HierarchicalNsw> mapped = map_hnsw_file(path, built.space, false, false);
    for (std::size_t q = 0; q < 20; ++q) mapped->search(&built.queries[q * kDim], 10, nullptr, 64);
    rewrite_in_place(path, 96, size, fill);
    // What they return is the rewritten bytes' business (distances may be NaN); that they return is the point.
    for (std::size_t q = 0; q < kQueries; ++q)
      CHECK(mapped->search(&built.queries[q * kDim], 10, nullptr, 64).size() <= 10);
    CHECK(mapped->element_count() == built.count);
    mapped.reset();  // Windows refuses to replace a file that is still mapped
    write_hnsw_file(*built.index, path);
  }
  std::remove(path.c_str());
}

#ifndef _WIN32
// Truncated underneath, the file would raise SIGBUS on the next read past its new end; the mapping's guard turns
// those pages into zeros, and the index reports kCorruptFile from then on.
void survives_its_file_truncated() {
  L2Index built = build_l2_index(1, kReadCaseCount);
  const std::string path = temp_path("mapped-truncate.bin");
  write_hnsw_file(*built.index, path);
  std::unique_ptr<HierarchicalNsw> mapped = map_hnsw_file(path, built.space, false, false);
  same_hits(built.index->search(&built.queries[0], 10, nullptr, 64),
            mapped->search(&built.queries[0], 10, nullptr, 64));
  CHECK(truncate(path.c_str(), 0) == 0);
  expect_error(ErrorCode::kCorruptFile, [&] { mapped->search(&built.queries[kDim], 10, nullptr, 64); });
  expect_error(ErrorCode::kCorruptFile, [&] { mapped->get_vector(3); });
  expect_error(ErrorCode::kCorruptFile, [&] { mapped->search(&built.queries[2 * kDim], 10, nullptr, 64); });
  // A second mapping, truncated halfway, and a fresh one of a good file alongside it: each guard is its own.
  write_hnsw_file(*built.index, path);
  const std::string other = temp_path("mapped-truncate-other.bin");
  write_hnsw_file(*built.index, other);
  std::unique_ptr<HierarchicalNsw> half = map_hnsw_file(path, built.space, false, false);
  std::unique_ptr<HierarchicalNsw> whole = map_hnsw_file(other, built.space, false, false);
  CHECK(truncate(path.c_str(), static_cast<off_t>(96 + 8192)) == 0);
  std::size_t failed = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    try {
      half->search(&built.queries[q * kDim], 10, nullptr, 64);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kCorruptFile);
      ++failed;
    }
    same_hits(built.index->search(&built.queries[q * kDim], 10, nullptr, 64),
              whole->search(&built.queries[q * kDim], 10, nullptr, 64));
  }
  CHECK(failed == kQueries);
  std::remove(path.c_str());
  std::remove(other.c_str());
}
#endif

}  // namespace

std::vector<TestCase> mapped_file_tests() {
  return {
      {"a mapped index answers every read exactly as the loaded one", answers_like_a_loaded_index},
      {"native f16 and i8 files map as they are, and are not converted", native_files_map_in_every_precision},
      {"a mapped index refuses every change with kReadOnly", every_change_is_refused},
      {"a missing, short or foreign file is refused when mapped", bad_files_are_refused_when_mapped},
      {"a mapped index survives its file rewritten in place under it", survives_its_file_rewritten_in_place},
#ifndef _WIN32
      {"a mapped index survives its file truncated under it (kCorruptFile, no SIGBUS)", survives_its_file_truncated},
#endif
  };
}

}  // namespace engine_test
