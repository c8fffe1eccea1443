// Standalone test of the C++ engine (no Node): kernels against scalar, graph recall, deletion, updates,
// replacement, resizing, file and buffer round trips, hostile inputs, and every kind of write next to concurrent
// searches. Runs under valgrind and the sanitizers, ThreadSanitizer included (scripts/test-tsan.sh). Each test builds
// its own data and index; this file holds the shared helpers and main, which runs every file's table and ends with
// the "N passed, N failed" line CI reads.
#include "engine_test.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <random>
#include <set>
#include <thread>

#include "util/parallel_for.h"

using namespace hnswkit;

namespace engine_test {

std::vector<float> make_data(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> data(n * dim);
  for (float& x : data) x = dist(rng);
  return data;
}

L2Index build_l2_index(std::size_t threads, std::size_t count) {
  L2Index built;
  built.count = count;
  built.data = make_data(kCount, kDim, 1);
  built.queries = make_data(kQueries, kDim, 2);
  HnswParams params;
  params.max_elements = count;
  built.index = std::make_unique<HierarchicalNsw>(built.space, params);
  built.exact = std::make_unique<BruteForce>(built.space, count);
  HierarchicalNsw& index = *built.index;
  const std::vector<float>& data = built.data;
  parallel_for(count, threads, [&](std::size_t i, std::size_t) { index.add(&data[i * kDim], i); });
  for (std::size_t i = 0; i < count; ++i) built.exact->add(&data[i * kDim], i);
  return built;
}

std::unique_ptr<HierarchicalNsw> build_index(const Space& space, const HnswParams& params,
                                             const std::vector<float>& data, std::size_t count) {
  auto index = std::make_unique<HierarchicalNsw>(space, params);
  for (std::size_t i = 0; i < count; ++i) index->add(&data[i * space.dim()], i);
  return index;
}

double recall_at(const HierarchicalNsw& index, const BruteForce& exact, const std::vector<float>& queries,
                 std::size_t dim, std::size_t k, std::size_t ef) {
  std::size_t hit = 0, total = 0;
  for (std::size_t q = 0; q * dim < queries.size(); ++q) {
    SearchHits truth = exact.search(&queries[q * dim], k);
    SearchHits got = index.search(&queries[q * dim], k, nullptr, ef);
    std::set<std::uint64_t> want;
    for (const Neighbor& n : truth) want.insert(n.label);
    for (const Neighbor& n : got) hit += want.count(n.label);
    total += truth.size();
  }
  return static_cast<double>(hit) / static_cast<double>(total);
}

std::string temp_path(const char* name) { return std::string("/tmp/hnswkit_engine_test_") + name; }

std::size_t read_during(const std::function<void()>& read, const std::function<void()>& body) {
  std::atomic<bool> stop{false}, reader_done{false};
  std::atomic<std::size_t> reads{0};
  std::exception_ptr reader_error;
  std::thread reader([&] {
    try {
      while (!stop.load()) {
        read();
        ++reads;
      }
    } catch (...) {
      reader_error = std::current_exception();
    }
    reader_done = true;
  });
  // At least one read completes before body starts, so the two overlap however the threads are scheduled.
  while (reads.load() == 0 && !reader_done.load()) std::this_thread::yield();
  try {
    body();
  } catch (...) {
    stop = true;
    reader.join();
    throw;
  }
  stop = true;
  reader.join();
  if (reader_error) std::rethrow_exception(reader_error);
  return reads.load();
}

void check_hits(const SearchHits& hits, std::size_t k, const std::function<bool(std::uint64_t)>& valid) {
  CHECK(hits.size() <= k);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    CHECK(std::isfinite(hits[i].distance));
    CHECK(i == 0 || hits[i - 1].distance <= hits[i].distance);
    if (!valid(hits[i].label)) throw std::runtime_error("unexpected label " + std::to_string(hits[i].label));
  }
}

std::size_t self_hits(const HierarchicalNsw& index, const std::vector<float>& data, std::size_t dim, std::size_t count,
                      std::uint64_t first_label) {
  std::size_t found = 0;
  for (std::size_t i = 0; i < count; ++i) {
    SearchHits hits = index.search(&data[i * dim], 1, nullptr, 50);
    found += hits.size() == 1 && hits[0].label == first_label + i;
  }
  return found;
}

}  // namespace engine_test

int main() {
  using engine_test::TestCase;
  std::vector<TestCase> tests;
  for (auto table : {engine_test::kernel_tests, engine_test::index_tests, engine_test::file_tests,
                     engine_test::native_file_tests, engine_test::mapped_file_tests, engine_test::precision_tests,
                     engine_test::range_tests, engine_test::concurrency_tests}) {
    for (TestCase& test : table()) tests.push_back(std::move(test));
  }
  int passed = 0, failed = 0;
  for (const TestCase& test : tests) {
    try {
      test.body();
      ++passed;
      std::printf("ok   %s\n", test.name.c_str());
    } catch (const std::exception& e) {
      ++failed;
      std::printf("FAIL %s: %s\n", test.name.c_str(), e.what());
    }
    std::fflush(stdout);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
