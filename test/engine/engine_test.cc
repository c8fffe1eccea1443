// Standalone test of the C++ engine (no Node): graph recall, deletion, updates, replacement, resizing, file and
// buffer round trips, hostile inputs, and every kind of write next to concurrent searches. Runs under valgrind and
// the sanitizers, ThreadSanitizer included (scripts/test-tsan.sh).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "index/brute_force.h"
#include "index/hierarchical_nsw.h"
#include "index/label_set.h"
#include "io/index_io.h"
#include "util/error.h"
#include "space/kernels.h"
#include "util/parallel_for.h"

using namespace hnswkit;

namespace {

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

int g_passed = 0;
int g_failed = 0;
std::string g_current;

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      throw std::runtime_error(std::string(__FILE__ ":") + std::to_string(__LINE__) + ": " #cond); \
    }                                                                                      \
  } while (0)

template <typename Fn>
void expect_error(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (e.code() != code) {
      throw std::runtime_error(std::string("expected ") + error_code_name(code) + ", got " + error_code_name(e.code()) +
                               ": " + e.what());
    }
    return;
  }
  throw std::runtime_error(std::string("expected ") + error_code_name(code) + ", nothing thrown");
}

void run(const char* name, const std::function<void()>& body) {
  try {
    body();
    ++g_passed;
    std::printf("ok   %s\n", name);
  } catch (const std::exception& e) {
    ++g_failed;
    std::printf("FAIL %s: %s\n", name, e.what());
  }
}

std::vector<float> make_data(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> data(n * dim);
  for (float& x : data) x = dist(rng);
  return data;
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

struct EvenOnly : LabelFilter {
  bool allowed(std::uint64_t label) const override { return label % 2 == 0; }
};

std::string temp_path(const char* name) { return std::string("/tmp/hnswkit_engine_test_") + name; }

// Runs body on this thread while another thread calls read() over and over, from before body starts until it has
// returned; returns how many reads ran. An exception from either side is rethrown after both have stopped.
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

// Hits are closest first, with finite distances, and every label passes valid.
void check_hits(const SearchHits& hits, std::size_t k, const std::function<bool(std::uint64_t)>& valid) {
  CHECK(hits.size() <= k);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    CHECK(std::isfinite(hits[i].distance));
    CHECK(i == 0 || hits[i - 1].distance <= hits[i].distance);
    if (!valid(hits[i].label)) throw std::runtime_error("unexpected label " + std::to_string(hits[i].label));
  }
}

// How many of the count vectors in data find their own label first (labels first_label + i).
std::size_t self_hits(const HierarchicalNsw& index, const std::vector<float>& data, std::size_t dim,
                      std::size_t count, std::uint64_t first_label) {
  std::size_t found = 0;
  for (std::size_t i = 0; i < count; ++i) {
    SearchHits hits = index.search(&data[i * dim], 1, nullptr, 50);
    found += hits.size() == 1 && hits[0].label == first_label + i;
  }
  return found;
}

}  // namespace

void test_kernels() {
  const SimdLevel levels[] = {SimdLevel::kSse, SimdLevel::kAvx2, SimdLevel::kAvx512, SimdLevel::kNeon};
  for (SimdLevel level : levels) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    std::string name = std::string("kernels ") + set->name + " match scalar for every dimension 1..1100";
    run(name.c_str(), [&] {
      std::mt19937 rng(3);
      std::uniform_real_distribution<float> real(-1.0f, 1.0f);
      std::uniform_int_distribution<int> small(-8, 8);
      for (std::size_t d = 1; d <= 1100; ++d) {
        // Exactly d floats each, so a kernel reading past the end is caught by the sanitizers.
        std::vector<float> a(d), b(d), ia(d), ib(d);
        for (std::size_t i = 0; i < d; ++i) {
          a[i] = real(rng);
          b[i] = real(rng);
          ia[i] = static_cast<float>(small(rng));
          ib[i] = static_cast<float>(small(rng));
        }
        const KernelFn pairs[2][2] = {{kScalarKernels.l2_squared, set->l2_squared}, {kScalarKernels.dot, set->dot}};
        for (const auto& pair : pairs) {
          const float want = pair[0](a.data(), b.data(), d), got = pair[1](a.data(), b.data(), d);
          // Both sums round differently; bound the error by the sum of magnitudes, which a cancelling dot needs.
          float magnitude = 0;
          for (std::size_t i = 0; i < d; ++i) magnitude += std::fabs(a[i] * b[i]) + (a[i] - b[i]) * (a[i] - b[i]);
          if (std::fabs(want - got) > 1e-5f * magnitude) {
            throw std::runtime_error("dimension " + std::to_string(d) + ": " + std::to_string(want) + " vs " +
                                     std::to_string(got));
          }
          // Integer-valued data below 2^24 sums exactly in any order.
          if (pair[0](ia.data(), ib.data(), d) != pair[1](ia.data(), ib.data(), d)) {
            throw std::runtime_error("integer data differs at dimension " + std::to_string(d));
          }
        }
      }
    });
  }
}

// The prefetching kernels only add prefetches: their sums must be bit for bit those of the plain kernels.
void test_ahead_kernels() {
  const SimdLevel levels[] = {SimdLevel::kScalar, SimdLevel::kSse, SimdLevel::kAvx2, SimdLevel::kAvx512,
                              SimdLevel::kNeon};
  for (SimdLevel level : levels) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    std::string name = std::string("kernels ") + set->name + " give the same bits with prefetch ahead, for 1..1100";
    run(name.c_str(), [&] {
      std::mt19937 rng(5);
      std::uniform_real_distribution<float> real(-1.0f, 1.0f);
      for (std::size_t d = 1; d <= 1100; ++d) {
        std::vector<float> a(d), b(d), ahead(d);
        for (std::size_t i = 0; i < d; ++i) {
          a[i] = real(rng);
          b[i] = real(rng);
          ahead[i] = real(rng);
        }
        if (set->l2_squared_ahead(a.data(), b.data(), d, ahead.data()) != set->l2_squared(a.data(), b.data(), d) ||
            set->dot_ahead(a.data(), b.data(), d, ahead.data()) != set->dot(a.data(), b.data(), d)) {
          throw std::runtime_error("dimension " + std::to_string(d) + " differs");
        }
      }
    });
  }
}

// Each writer that may run next to searches, with searches (and other readers) running all along on another
// thread. Each case builds its own small index. Under ThreadSanitizer (scripts/test-tsan.sh) these are the cases
// that check the engine's lock-free reads against its writes; natively they check the results stay valid.
void test_concurrent_writes_with_readers(std::size_t dim) {
  const std::size_t count = 1000;
  const std::vector<float> probes = make_data(40, dim, 20);
  const std::size_t probe_count = probes.size() / dim;
  HnswParams p;
  p.max_elements = count;
  p.ef_construction = 64;
  const Space space(Metric::kL2, dim);

  run("concurrent updates of existing labels and searches stay consistent", [&] {
    const std::vector<float> before = make_data(count, dim, 21), after = make_data(count, dim, 22);
    HierarchicalNsw local(space, p);
    parallel_for(count, 2, [&](std::size_t i, std::size_t) { local.add(&before[i * dim], i); });
    std::size_t q = 0;
    const std::size_t searches = read_during(
        [&] {
          check_hits(local.search(&probes[(q++ % probe_count) * dim], 10, nullptr, 32), 10,
                     [&](std::uint64_t label) { return label < count; });
        },
        [&] { parallel_for(count, 2, [&](std::size_t i, std::size_t) { local.add(&after[i * dim], i); }); });
    CHECK(local.element_count() == count);
    for (std::size_t i = 0; i < count; i += 7) {
      CHECK(local.get_vector(i) == std::vector<float>(&after[i * dim], &after[(i + 1) * dim]));
    }
    const std::size_t found = self_hits(local, after, dim, count, 0);
    std::printf("     %zu searches ran during the updates; %zu of %zu updated vectors find themselves\n", searches,
                found, count);
    CHECK(found >= count * 95 / 100);
  });

  run("concurrent deletes and restores with filtered searches stay consistent", [&] {
    const std::vector<float> data = make_data(count, dim, 23);
    HierarchicalNsw local(space, p);
    parallel_for(count, 2, [&](std::size_t i, std::size_t) { local.add(&data[i * dim], i); });
    // Labels 4k+1 stay deleted throughout and must never be returned; labels 4k are deleted and restored meanwhile.
    for (std::uint64_t l = 1; l < count; l += 4) local.mark_deleted(l);
    EvenOnly even;
    std::size_t q = 0;
    const std::size_t searches = read_during(
        [&] {
          const bool filtered = q % 2 == 1;
          check_hits(local.search(&probes[(q++ % probe_count) * dim], 10, filtered ? &even : nullptr, 32), 10,
                     [&](std::uint64_t label) { return label < count && label % 4 != 1 && (!filtered || label % 2 == 0); });
        },
        [&] {
          parallel_for(count / 4, 2, [&](std::size_t row, std::size_t) {
            const std::uint64_t label = row * 4;
            for (int round = 0; round < 30; ++round) {
              local.mark_deleted(label);
              local.unmark_deleted(label);
            }
            local.mark_deleted(label);
          });
        });
    CHECK(local.deleted_count() == count / 2);
    for (std::uint64_t l = 0; l < count; l += 4) local.unmark_deleted(l);
    CHECK(local.deleted_count() == count / 4);
    std::printf("     %zu searches ran during the deletes\n", searches);
  });

  run("concurrent replace_deleted adds and searches never return a replaced label", [&] {
    const std::vector<float> data = make_data(count, dim, 24), fresh = make_data(300, dim, 25);
    HnswParams reuse = p;
    reuse.allow_replace_deleted = true;
    HierarchicalNsw local(space, reuse);
    parallel_for(count, 2, [&](std::size_t i, std::size_t) { local.add(&data[i * dim], i); });
    for (std::uint64_t l = 0; l < 300; ++l) local.mark_deleted(l);
    EvenOnly even;
    std::size_t q = 0;
    const std::size_t searches = read_during(
        [&] {
          const bool filtered = q % 2 == 1;
          check_hits(local.search(&probes[(q++ % probe_count) * dim], 10, filtered ? &even : nullptr, 32), 10,
                     [&](std::uint64_t label) {
                       return label >= 300 && label < count + 300 && (!filtered || label % 2 == 0);
                     });
        },
        [&] {
          parallel_for(300, 2, [&](std::size_t i, std::size_t) { local.add(&fresh[i * dim], count + i, true); });
        });
    CHECK(local.element_count() == count);
    CHECK(local.deleted_count() == 0);
    for (std::uint64_t l = 0; l < 300; ++l) CHECK(!local.contains(l) && local.contains(count + l));
    const std::size_t found = self_hits(local, fresh, dim, 300, count);
    std::printf("     %zu searches ran during the replacements; %zu of 300 new vectors find themselves\n", searches,
                found);
    CHECK(found >= 300 * 95 / 100);
  });

  run("statistics and label lists can be read during a concurrent build", [&] {
    const std::vector<float> data = make_data(count, dim, 26);
    HierarchicalNsw local(space, p);
    const std::size_t reads = read_during(
        [&] {
          const std::vector<std::size_t> levels = local.level_counts();
          CHECK(levels.empty() || levels[0] <= count);
          const std::vector<double> degree = local.mean_out_degree();
          for (double d : degree) CHECK(d >= 0 && d <= 2.0 * static_cast<double>(p.m));
          CHECK(local.labels().size() <= count);
          CHECK(local.memory_bytes() > 0);
          CHECK(local.max_level() >= -1);
          (void)local.search_stats();
        },
        [&] { parallel_for(count, 2, [&](std::size_t i, std::size_t) { local.add(&data[i * dim], i); }); });
    CHECK(local.labels().size() == count);
    CHECK(local.level_counts()[0] == count);
    std::printf("     %zu reads ran during the build\n", reads);
  });

  run("brute force: concurrent adds, removes and searches stay consistent", [&] {
    const std::vector<float> data = make_data(600, dim, 27);
    BruteForce bf(space, 600);
    for (std::size_t i = 0; i < 300; ++i) bf.add(&data[i * dim], i);
    std::size_t q = 0;
    const std::size_t searches = read_during(
        [&] {
          check_hits(bf.search(&probes[(q++ % probe_count) * dim], 10), 10,
                     [](std::uint64_t label) { return label < 600; });
        },
        [&] {
          // One thread removes the first 150 labels while another adds 300..599.
          parallel_for(2, 2, [&](std::size_t row, std::size_t) {
            if (row == 0) {
              for (std::uint64_t l = 0; l < 150; ++l) CHECK(bf.remove(l));
            } else {
              for (std::size_t i = 300; i < 600; ++i) bf.add(&data[i * dim], i);
            }
          });
        });
    CHECK(bf.count() == 450);
    for (std::uint64_t l = 0; l < 600; ++l) CHECK(bf.contains(l) == (l >= 150));
    for (std::uint64_t l = 150; l < 600; l += 37) {
      CHECK(bf.search(&data[l * dim], 1)[0].label == l);
    }
    std::printf("     %zu searches ran during the writes\n", searches);
  });
}

int main() {
  test_kernels();
  test_ahead_kernels();
  const std::size_t dim = 24;
  const std::size_t n = 4000;
  const std::vector<float> data = make_data(n, dim, 1);
  const std::vector<float> queries = make_data(200, dim, 2);

  for (Metric metric : {Metric::kL2, Metric::kInnerProduct, Metric::kCosine}) {
    std::string name = std::string("recall@10 >= 0.95 at ef 100 for ") + metric_name(metric);
    run(name.c_str(), [&] {
      const std::size_t size = kUnderTsan ? n / 4 : n;
      Space space(metric, dim);
      HnswParams p;
      p.max_elements = size;
      HierarchicalNsw index(space, p);
      BruteForce exact(space, size);
      for (std::size_t i = 0; i < size; ++i) {
        index.add(&data[i * dim], i);
        exact.add(&data[i * dim], i);
      }
      const double r = recall_at(index, exact, queries, dim, 10, 100);
      std::printf("     recall %.4f\n", r);
      CHECK(r >= 0.95);
    });
  }

  Space l2(Metric::kL2, dim);
  HnswParams params;
  params.max_elements = n;
  HierarchicalNsw index(l2, params);
  BruteForce exact(l2, n);
  parallel_for(n, 2, [&](std::size_t i, std::size_t) { index.add(&data[i * dim], i); });
  for (std::size_t i = 0; i < n; ++i) exact.add(&data[i * dim], i);

  run("a 2-thread build reaches the same recall", [&] {
    const double r = recall_at(index, exact, queries, dim, 10, 100);
    std::printf("     recall %.4f\n", r);
    CHECK(r >= 0.95);
    CHECK(index.element_count() == n);
  });

  run("self queries return the element itself first", [&] {
    for (std::size_t i = 0; i < n; i += 97) {
      SearchHits hits = index.search(&data[i * dim], 1, nullptr, 50);
      CHECK(hits.size() == 1 && hits[0].label == i && hits[0].distance == 0.0f);
    }
  });

  run("the filter admits only allowed labels and still finds k", [&] {
    EvenOnly even;
    for (std::size_t q = 0; q < 50; ++q) {
      SearchHits hits = index.search(&queries[q * dim], 10, &even, 50);
      CHECK(hits.size() == 10);
      for (const Neighbor& h : hits) CHECK(h.label % 2 == 0);
      SearchHits truth = exact.search(&queries[q * dim], 10, &even);
      CHECK(truth.size() == 10);
      for (const Neighbor& h : truth) CHECK(h.label % 2 == 0);
    }
  });

  run("label sets filter as allow- and deny-lists, dense and sparse", [&] {
    std::vector<std::uint64_t> dense, sparse;
    for (std::uint64_t l = 0; l < n; l += 5) dense.push_back(l);
    for (std::uint64_t l = 0; l < 50; ++l) sparse.push_back(l * 1000000007ull);
    LabelSet allow(dense, LabelSet::Mode::kAllow), deny(dense, LabelSet::Mode::kDeny);
    LabelSet sparse_allow(sparse, LabelSet::Mode::kAllow);
    CHECK(sparse_allow.contains(49 * 1000000007ull) && !sparse_allow.contains(1));
    CHECK(LabelSet({}, LabelSet::Mode::kDeny).allowed(123) && !LabelSet({}, LabelSet::Mode::kAllow).allowed(0));
    for (std::size_t q = 0; q < 30; ++q) {
      for (const Neighbor& h : index.search(&queries[q * dim], 10, &allow, 50)) CHECK(h.label % 5 == 0);
      for (const Neighbor& h : index.search(&queries[q * dim], 10, &deny, 50)) CHECK(h.label % 5 != 0);
    }
  });

  run("deleted labels are never returned and can be restored", [&] {
    for (std::uint64_t l = 0; l < n; l += 3) index.mark_deleted(l);
    CHECK(index.deleted_count() == (n + 2) / 3);
    for (std::size_t q = 0; q < 100; ++q) {
      for (const Neighbor& h : index.search(&queries[q * dim], 10)) CHECK(h.label % 3 != 0);
    }
    expect_error(ErrorCode::kAlreadyDeleted, [&] { index.mark_deleted(0); });
    expect_error(ErrorCode::kLabelNotFound, [&] { index.get_vector(0); });
    for (std::uint64_t l = 0; l < n; l += 3) index.unmark_deleted(l);
    expect_error(ErrorCode::kNotDeleted, [&] { index.unmark_deleted(0); });
    expect_error(ErrorCode::kLabelNotFound, [&] { index.mark_deleted(n + 5); });
    CHECK(index.deleted_count() == 0);
  });

  run("a full index refuses, resize makes room, shrinking below count refuses", [&] {
    Space space(Metric::kL2, 2);
    HnswParams p;
    p.max_elements = 2;
    HierarchicalNsw small(space, p);
    float a[2] = {0, 0}, b[2] = {1, 0}, c[2] = {0, 1};
    small.add(a, 1);
    small.add(b, 2);
    expect_error(ErrorCode::kIndexFull, [&] { small.add(c, 3); });
    expect_error(ErrorCode::kResizeTooSmall, [&] { small.resize(1); });
    small.resize(3);
    small.add(c, 3);
    CHECK(small.search(c, 1)[0].label == 3);
  });

  run("updating a label moves its vector and search finds it at the new place", [&] {
    Space space(Metric::kL2, dim);
    HnswParams p;
    p.max_elements = 1000;
    HierarchicalNsw local(space, p);
    for (std::size_t i = 0; i < 1000; ++i) local.add(&data[i * dim], i);
    for (std::size_t i = 0; i < 100; ++i) local.add(&queries[i * dim], i);  // labels 0..99 move to the queries
    CHECK(local.element_count() == 1000);
    std::size_t found = 0;
    for (std::size_t i = 0; i < 100; ++i) {
      SearchHits hits = local.search(&queries[i * dim], 1, nullptr, 50);
      found += hits.size() == 1 && hits[0].label == i;
      CHECK(local.get_vector(i) == std::vector<float>(&queries[i * dim], &queries[i * dim] + dim));
    }
    CHECK(found >= 98);
  });

  run("replace_deleted reuses slots and refuses when disabled", [&] {
    Space space(Metric::kL2, dim);
    HnswParams p;
    p.max_elements = 100;
    p.allow_replace_deleted = true;
    HierarchicalNsw local(space, p);
    for (std::size_t i = 0; i < 100; ++i) local.add(&data[i * dim], i);
    for (std::uint64_t l = 0; l < 10; ++l) local.mark_deleted(l);
    expect_error(ErrorCode::kUpdateDeleted, [&] { local.add(&data[0], 0); });
    for (std::size_t i = 0; i < 10; ++i) local.add(&data[(200 + i) * dim], 1000 + i, true);
    CHECK(local.element_count() == 100);
    CHECK(local.deleted_count() == 0);
    expect_error(ErrorCode::kIndexFull, [&] { local.add(&data[300 * dim], 2000, true); });
    for (std::size_t i = 0; i < 10; ++i) {
      SearchHits hits = local.search(&data[(200 + i) * dim], 1, nullptr, 50);
      CHECK(hits[0].label == 1000 + i);
      CHECK(!local.contains(i));
    }
    expect_error(ErrorCode::kReplaceDisabled, [&] { index.add(&data[0], 99999, true); });
  });

  run("file and buffer round trips are byte-identical and answer identically", [&] {
    index.mark_deleted(7);
    const std::string path = temp_path("roundtrip.bin");
    write_hnsw_file(index, path);
    std::vector<std::uint8_t> bytes = write_hnsw_buffer(index);
    CHECK(bytes.size() == hnsw_serialized_size(index));
    std::unique_ptr<HierarchicalNsw> from_file = read_hnsw_file(path, l2, 0, false);
    std::unique_ptr<HierarchicalNsw> from_buffer = read_hnsw_buffer(bytes.data(), bytes.size(), l2, 0, false);
    CHECK(write_hnsw_buffer(*from_file) == bytes);
    CHECK(write_hnsw_buffer(*from_buffer) == bytes);
    CHECK(from_file->deleted_count() == 1);
    CHECK(from_file->ef() == 10);
    for (std::size_t q = 0; q < 50; ++q) {
      SearchHits a = index.search(&queries[q * dim], 10, nullptr, 64);
      SearchHits b = from_file->search(&queries[q * dim], 10, nullptr, 64);
      CHECK(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].label == b[i].label && a[i].distance == b[i].distance);
    }
    index.unmark_deleted(7);
    std::remove(path.c_str());
  });

  run("every truncation and trailing byte is rejected", [&] {
    Space space(Metric::kL2, 4);
    HnswParams p;
    p.max_elements = 300;
    p.m = 4;
    HierarchicalNsw small(space, p);
    std::vector<float> v = make_data(300, 4, 9);
    for (std::size_t i = 0; i < 300; ++i) small.add(&v[i * 4], i);
    std::vector<std::uint8_t> bytes = write_hnsw_buffer(small);
    for (std::size_t cut = 0; cut < bytes.size(); cut += (cut < 200 ? 1 : 37)) {
      expect_error(ErrorCode::kCorruptFile, [&] { read_hnsw_buffer(bytes.data(), cut, space, 0, false); });
    }
    bytes.push_back(0);
    expect_error(ErrorCode::kCorruptFile, [&] { read_hnsw_buffer(bytes.data(), bytes.size(), space, 0, false); });
    bytes.pop_back();
    Space wrong(Metric::kL2, 5);
    expect_error(ErrorCode::kCorruptFile, [&] { read_hnsw_buffer(bytes.data(), bytes.size(), wrong, 0, false); });
  });

  run("random byte flips never crash the reader or a search of what it accepts", [&] {
    Space space(Metric::kL2, 4);
    HnswParams p;
    p.max_elements = 200;
    p.m = 4;
    HierarchicalNsw small(space, p);
    std::vector<float> v = make_data(200, 4, 11);
    for (std::size_t i = 0; i < 200; ++i) small.add(&v[i * 4], i);
    const std::vector<std::uint8_t> good = write_hnsw_buffer(small);
    std::mt19937 rng(5);
    std::size_t accepted = 0;
    for (int round = 0; round < 3000; ++round) {
      std::vector<std::uint8_t> bad = good;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      try {
        std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_buffer(bad.data(), bad.size(), space, 0, false);
        ++accepted;
        for (int q = 0; q < 5; ++q) loaded->search(&v[q * 4], 5);
      } catch (const Error& e) {
        // A flipped capacity field can ask for more memory than the machine has: also a clean refusal.
        CHECK(e.code() == ErrorCode::kCorruptFile || e.code() == ErrorCode::kOutOfMemory);
      }
    }
    std::printf("     %zu of 3000 damaged files were still valid\n", accepted);
  });

  run("a missing file and an unwritable path report kIo and leave no temp file", [&] {
    expect_error(ErrorCode::kIo, [&] { read_hnsw_file("/nonexistent/dir/x.bin", l2, 0, false); });
    expect_error(ErrorCode::kIo, [&] { write_hnsw_file(index, "/nonexistent/dir/x.bin"); });
  });

#ifndef _WIN32
  run("files: a FIFO is refused at once, links are followed, modes kept, long names fit", [&] {
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
    expect_error(ErrorCode::kIo, [&] { read_hnsw_file(fifo, l2, 0, false); });
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
    CHECK(read_hnsw_file(link, l2, 0, false)->element_count() == index.element_count());

    write_hnsw_file(index, long_name);
    CHECK(read_hnsw_file(long_name, l2, 0, false)->element_count() == index.element_count());
    clean();
  });
#endif

  run("brute force: add, update, remove last and middle, search clamps k, file round trip", [&] {
    Space space(Metric::kL2, 2);
    BruteForce bf(space, 4);
    float a[2] = {0, 0}, b[2] = {1, 0}, c[2] = {2, 0}, d[2] = {3, 0};
    bf.add(a, 10);
    bf.add(b, 11);
    bf.add(c, 12);
    CHECK(bf.search(a, 10).size() == 3);
    CHECK(bf.remove(12));   // last slot
    CHECK(!bf.remove(12));
    bf.add(c, 12);
    CHECK(bf.search(c, 1)[0].label == 12);
    CHECK(bf.remove(10));   // first slot: the last moves into it
    CHECK(bf.count() == 2);
    CHECK(bf.get_vector(12) == std::vector<float>({2, 0}));
    bf.add(d, 13);
    bf.add(d, 11);  // update
    CHECK(bf.count() == 3);
    std::vector<std::uint8_t> bytes = write_brute_force_buffer(bf);
    CHECK(bytes.size() == 24 + 4 * (2 * 4 + 8));
    std::unique_ptr<BruteForce> loaded = read_brute_force_buffer(bytes.data(), bytes.size(), space);
    CHECK(loaded->count() == 3);
    CHECK(loaded->remove(13));
    CHECK(loaded->search(d, 1)[0].label == 11);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
      expect_error(ErrorCode::kCorruptFile, [&] { read_brute_force_buffer(bytes.data(), cut, space); });
    }
    expect_error(ErrorCode::kIndexFull, [&] {
      BruteForce tiny(space, 1);
      tiny.add(a, 1);
      tiny.add(b, 2);
    });
  });

  run("concurrent adds, searches, deletes and saves stay consistent", [&] {
    Space space(Metric::kL2, dim);
    HnswParams p;
    p.max_elements = n;
    HierarchicalNsw shared(space, p);
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> searches{0};
    std::thread reader([&] {
      while (!stop.load()) {
        for (std::size_t q = 0; q < 20; ++q) {
          for (const Neighbor& h : shared.search(&queries[q * dim], 5)) {
            if (h.label >= n) throw std::runtime_error("label out of range");
          }
          ++searches;
        }
        (void)write_hnsw_buffer(shared);
      }
    });
    parallel_for(n, 2, [&](std::size_t i, std::size_t) {
      shared.add(&data[i * dim], i);
      if (i % 10 == 0) shared.mark_deleted(i);
    });
    stop = true;
    reader.join();
    CHECK(shared.element_count() == n);
    CHECK(shared.deleted_count() == n / 10);
    std::vector<std::uint8_t> bytes = write_hnsw_buffer(shared);
    std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_buffer(bytes.data(), bytes.size(), space, 0, false);
    CHECK(loaded->element_count() == n);
    std::printf("     %zu searches ran during the build\n", searches.load());
  });

  test_concurrent_writes_with_readers(dim);

  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
