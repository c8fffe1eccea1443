// Engine test: the hnswlib file format: file and buffer round trips, truncated, extended and damaged input, and the
// file-system cases (missing, unwritable, FIFOs, symbolic links, modes, long names).
#include <cstdio>
#include <random>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "engine_test.h"
#include "io/index_io.h"

using namespace hnswkit;

namespace engine_test {
namespace {

// A small L2 index of `count` 4-float vectors (make_data(count, 4, seed)) with m = 4.
std::unique_ptr<HierarchicalNsw> small_index(const Space& space, std::size_t count, unsigned seed) {
  HnswParams p;
  p.max_elements = count;
  p.m = 4;
  return build_index(space, p, make_data(count, 4, seed), count);
}

void round_trips() {
  L2Index built = build_l2_index(2, kReadCaseCount);
  HierarchicalNsw& index = *built.index;
  index.mark_deleted(7);
  const std::string path = temp_path("roundtrip.bin");
  write_hnsw_file(index, path);
  std::vector<std::uint8_t> bytes = write_hnsw_buffer(index);
  CHECK(bytes.size() == hnsw_serialized_size(index));
  std::unique_ptr<HierarchicalNsw> from_file = read_hnsw_file(path, built.space, false, 0, false);
  std::unique_ptr<HierarchicalNsw> from_buffer = read_hnsw_buffer(bytes.data(), bytes.size(), built.space, false, 0,
                                                                  false);
  CHECK(write_hnsw_buffer(*from_file) == bytes);
  CHECK(write_hnsw_buffer(*from_buffer) == bytes);
  CHECK(from_file->deleted_count() == 1);
  CHECK(from_file->ef() == 10);
  for (std::size_t q = 0; q < 50; ++q) {
    SearchHits a = index.search(&built.queries[q * kDim], 10, nullptr, 64);
    SearchHits b = from_file->search(&built.queries[q * kDim], 10, nullptr, 64);
    CHECK(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].label == b[i].label && a[i].distance == b[i].distance);
  }
  std::remove(path.c_str());
}

void truncation_and_trailing_bytes() {
  Space space(Metric::kL2, 4);
  std::unique_ptr<HierarchicalNsw> small = small_index(space, 300, 9);
  std::vector<std::uint8_t> bytes = write_hnsw_buffer(*small);
  for (std::size_t cut = 0; cut < bytes.size(); cut += (cut < 200 ? 1 : 37)) {
    expect_error(ErrorCode::kCorruptFile, [&] { read_hnsw_buffer(bytes.data(), cut, space, false, 0, false); });
  }
  bytes.push_back(0);
  expect_error(ErrorCode::kCorruptFile, [&] { read_hnsw_buffer(bytes.data(), bytes.size(), space, false, 0, false); });
  bytes.pop_back();
  Space wrong(Metric::kL2, 5);
  expect_error(ErrorCode::kCorruptFile, [&] { read_hnsw_buffer(bytes.data(), bytes.size(), wrong, false, 0, false); });
}

void byte_flips() {
  Space space(Metric::kL2, 4);
  const std::vector<float> v = make_data(200, 4, 11);
  std::unique_ptr<HierarchicalNsw> small = small_index(space, 200, 11);
  const std::vector<std::uint8_t> good = write_hnsw_buffer(*small);
  std::mt19937 rng(5);
  std::size_t accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::uint8_t> bad = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    try {
      std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_buffer(bad.data(), bad.size(), space, false, 0, false);
      ++accepted;
      for (int q = 0; q < 5; ++q) loaded->search(&v[q * 4], 5);
    } catch (const Error& e) {
      // A flipped capacity field can ask for more memory than the machine has: also a clean refusal.
      CHECK(e.code() == ErrorCode::kCorruptFile || e.code() == ErrorCode::kOutOfMemory);
    }
  }
  std::printf("     %zu of 3000 damaged files were still valid\n", accepted);
}

// The file-system cases need an index, not a large one.
constexpr std::size_t kFileCaseCount = 1000;

void missing_and_unwritable() {
  const L2Index built = build_l2_index(2, kFileCaseCount);
  expect_error(ErrorCode::kIo, [&] { read_hnsw_file("/nonexistent/dir/x.bin", built.space, false, 0, false); });
  expect_error(ErrorCode::kIo, [&] { write_hnsw_file(*built.index, "/nonexistent/dir/x.bin"); });
}

#ifndef _WIN32
void fifos_links_modes_long_names() {
  const L2Index built = build_l2_index(2, kFileCaseCount);
  const HierarchicalNsw& index = *built.index;
  const Space& l2 = built.space;
  const std::string dir = temp_path("files_dir");
  const std::string fifo = dir + "/fifo.bin";
  const std::string real = dir + "/real.bin";
  const std::string link = dir + "/link.bin";
  const std::string long_name = dir + "/" + std::string(251, 'n') + ".bin";
  const auto clean = [&] {
    for (const std::string& file : {fifo, real, link, long_name}) unlink(file.c_str());
    rmdir(dir.c_str());
  };
  clean();
  CHECK(mkdir(dir.c_str(), 0700) == 0);
  CHECK(mkfifo(fifo.c_str(), 0600) == 0);
  // A read that waits for a writer ends the run with SIGALRM instead of hanging it.
  alarm(20);
  expect_error(ErrorCode::kIo, [&] { read_hnsw_file(fifo, l2, false, 0, false); });
  alarm(0);
  expect_error(ErrorCode::kIo, [&] { write_hnsw_file(index, fifo); });
  struct stat info;
  CHECK(lstat(fifo.c_str(), &info) == 0 && S_ISFIFO(info.st_mode));

  write_hnsw_file(index, real);
  CHECK(chmod(real.c_str(), 0640) == 0);
  CHECK(symlink("real.bin", link.c_str()) == 0);
  write_hnsw_file(index, link);
  CHECK(lstat(link.c_str(), &info) == 0 && S_ISLNK(info.st_mode));
  CHECK(stat(real.c_str(), &info) == 0 && (info.st_mode & 07777) == 0640);
  CHECK(read_hnsw_file(link, l2, false, 0, false)->element_count() == index.element_count());

  write_hnsw_file(index, long_name);
  CHECK(read_hnsw_file(long_name, l2, false, 0, false)->element_count() == index.element_count());
  clean();
}
#endif

}  // namespace

std::vector<TestCase> file_tests() {
  return {
      {"file and buffer round trips are byte-identical and answer identically", round_trips},
      {"every truncation and trailing byte is rejected", truncation_and_trailing_bytes},
      {"random byte flips never crash the reader or a search of what it accepts", byte_flips},
      {"a missing file and an unwritable path report kIo and leave no temp file", missing_and_unwritable},
#ifndef _WIN32
      {"files: a FIFO is refused at once, links are followed, modes kept, long names fit",
       fifos_links_modes_long_names},
#endif
  };
}

}  // namespace engine_test
