// Shared harness of the standalone engine test (no Node): the CHECK macro, the test table type and the helpers that
// build data and indexes, so that every test case makes its own and none depends on another having run first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "index/brute_force.h"
#include "index/hierarchical_nsw.h"
#include "util/error.h"

namespace engine_test {

// ThreadSanitizer slows the engine several times over and has nothing to check in single-threaded work, so under it
// the per-metric recall builds use fewer elements; the concurrent cases keep their full size.
#if defined(__SANITIZE_THREAD__)
constexpr bool kUnderTsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kUnderTsan = true;
#else
constexpr bool kUnderTsan = false;
#endif
#else
constexpr bool kUnderTsan = false;
#endif

// The shape of the main data set: kCount vectors of kDim normal floats (seed 1), kQueries queries (seed 2).
constexpr std::size_t kDim = 24;
constexpr std::size_t kCount = 4000;
constexpr std::size_t kQueries = 200;
// The size of the index that the single-threaded cases over the main data set search (filters, deletes, files):
// smaller under ThreadSanitizer, for the reason above.
constexpr std::size_t kReadCaseCount = kUnderTsan ? kCount / 4 : kCount;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      throw std::runtime_error(std::string(__FILE__ ":") + std::to_string(__LINE__) + ": " #cond); \
    }                                                                                              \
  } while (0)

// One test: its name as printed ("ok   <name>" / "FAIL <name>: <reason>") and its body, which throws to fail.
struct TestCase {
  std::string name;
  std::function<void()> body;
};

// The tables of each file; main runs them in this order.
std::vector<TestCase> kernel_tests();
std::vector<TestCase> index_tests();
std::vector<TestCase> file_tests();
std::vector<TestCase> native_file_tests();
std::vector<TestCase> mapped_file_tests();
std::vector<TestCase> concurrency_tests();
std::vector<TestCase> precision_tests();
std::vector<TestCase> range_tests();

// Runs fn and fails unless it throws a hnswkit::Error with this code.
template <typename Fn>
void expect_error(hnswkit::ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const hnswkit::Error& e) {
    if (e.code() != code) {
      throw std::runtime_error(std::string("expected ") + hnswkit::error_code_name(code) + ", got " +
                               hnswkit::error_code_name(e.code()) + ": " + e.what());
    }
    return;
  }
  throw std::runtime_error(std::string("expected ") + hnswkit::error_code_name(code) + ", nothing thrown");
}

// n * dim floats drawn from N(0, 1) with this seed.
std::vector<float> make_data(std::size_t n, std::size_t dim, unsigned seed);

// An L2 graph index over the first `count` rows of the main data set (make_data(kCount, kDim, 1), label i for row i),
// built with `threads` threads, next to the exact index over the same rows, and the queries (make_data(kQueries,
// kDim, 2)).
struct L2Index {
  hnswkit::Space space{hnswkit::Metric::kL2, kDim};
  std::size_t count = 0;  // rows indexed: the first `count` of data
  std::vector<float> data;
  std::vector<float> queries;
  std::unique_ptr<hnswkit::HierarchicalNsw> index;
  std::unique_ptr<hnswkit::BruteForce> exact;
};
L2Index build_l2_index(std::size_t threads, std::size_t count = kCount);

// An index of `count` vectors of `dim` floats (make_data(count, dim, seed), label i for row i), built on one thread.
std::unique_ptr<hnswkit::HierarchicalNsw> build_index(const hnswkit::Space& space, const hnswkit::HnswParams& params,
                                                      const std::vector<float>& data, std::size_t count);

// Recall@k of index against exact over every query in queries, at search breadth ef.
double recall_at(const hnswkit::HierarchicalNsw& index, const hnswkit::BruteForce& exact,
                 const std::vector<float>& queries, std::size_t dim, std::size_t k, std::size_t ef);

struct EvenOnly : hnswkit::LabelFilter {
  bool allowed(std::uint64_t label) const override { return label % 2 == 0; }
};

std::string temp_path(const char* name);

// Runs body on this thread while another thread calls read() over and over, from before body starts until it has
// returned; returns how many reads ran. An exception from either side is rethrown after both have stopped.
std::size_t read_during(const std::function<void()>& read, const std::function<void()>& body);

// Hits are closest first, with finite distances, and every label passes valid.
void check_hits(const hnswkit::SearchHits& hits, std::size_t k, const std::function<bool(std::uint64_t)>& valid);

// How many of the count vectors in data find their own label first (labels first_label + i).
std::size_t self_hits(const hnswkit::HierarchicalNsw& index, const std::vector<float>& data, std::size_t dim,
                      std::size_t count, std::uint64_t first_label);

}  // namespace engine_test
