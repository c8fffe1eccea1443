// Engine test: every kind of write next to concurrent searches and other readers. Under ThreadSanitizer
// (scripts/test-tsan.sh) these are the cases that check the engine's lock-free reads against its writes; natively
// they check the results stay valid. Each builds its own index.
#include <atomic>
#include <cstdio>
#include <thread>

#include "engine_test.h"
#include "io/index_io.h"
#include "util/parallel_for.h"

using namespace hnswkit;

namespace engine_test {
namespace {

constexpr std::size_t dim = kDim;
constexpr std::size_t count = 1000;

// The parameters of the indexes the writer cases build: room for `count`, ef_construction 64.
HnswParams writer_params() {
  HnswParams p;
  p.max_elements = count;
  p.ef_construction = 64;
  return p;
}

void adds_deletes_saves_with_searches() {
  const std::size_t n = kCount;
  const std::vector<float> data = make_data(n, dim, 1), queries = make_data(kQueries, dim, 2);
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
  std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_buffer(bytes.data(), bytes.size(), space, false, 0, false);
  CHECK(loaded->element_count() == n);
  std::printf("     %zu searches ran during the build\n", searches.load());
}

void updates_with_searches() {
  const Space space(Metric::kL2, dim);
  const HnswParams p = writer_params();
  const std::vector<float> probes = make_data(40, dim, 20);  // the searches' queries
  const std::size_t probe_count = probes.size() / dim;
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
  std::printf("     %zu searches ran during the updates; %zu of %zu updated vectors find themselves\n", searches, found,
              count);
  CHECK(found >= count * 95 / 100);
}

void deletes_with_filtered_searches() {
  const Space space(Metric::kL2, dim);
  const HnswParams p = writer_params();
  const std::vector<float> probes = make_data(40, dim, 20);  // the searches' queries
  const std::size_t probe_count = probes.size() / dim;
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
                   [&](std::uint64_t label) {
                     return label < count && label % 4 != 1 && (!filtered || label % 2 == 0);
                   });
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
}

void replace_deleted_with_searches() {
  const Space space(Metric::kL2, dim);
  const HnswParams p = writer_params();
  const std::vector<float> probes = make_data(40, dim, 20);  // the searches' queries
  const std::size_t probe_count = probes.size() / dim;
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
      [&] { parallel_for(300, 2, [&](std::size_t i, std::size_t) { local.add(&fresh[i * dim], count + i, true); }); });
  CHECK(local.element_count() == count);
  CHECK(local.deleted_count() == 0);
  for (std::uint64_t l = 0; l < 300; ++l) CHECK(!local.contains(l) && local.contains(count + l));
  const std::size_t found = self_hits(local, fresh, dim, 300, count);
  std::printf("     %zu searches ran during the replacements; %zu of 300 new vectors find themselves\n", searches,
              found);
  CHECK(found >= 300 * 95 / 100);
}

void stats_during_build() {
  const Space space(Metric::kL2, dim);
  const HnswParams p = writer_params();
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
}

void brute_force_writes_with_searches() {
  const Space space(Metric::kL2, dim);
  const std::vector<float> probes = make_data(40, dim, 20);  // the searches' queries
  const std::size_t probe_count = probes.size() / dim;
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
}

// The statistics are kept per thread slot and summed when read: searches spread over more threads than there are
// slots (so some share one), in runs of rows of several lengths, must add up to exactly what the same searches add
// on one thread. The graph does not change, so each search does the same work wherever it runs.
void stats_exact_across_threads() {
  const std::size_t n = kCount;
  const std::size_t queries_count = 600;
  const std::vector<float> data = make_data(n, dim, 11), queries = make_data(queries_count, dim, 12);
  Space space(Metric::kL2, dim);
  HnswParams p;
  p.max_elements = n;
  HierarchicalNsw index(space, p);
  parallel_for(n, 2, [&](std::size_t i, std::size_t) { index.add(&data[i * dim], i); });
  index.reset_search_stats();
  for (std::size_t q = 0; q < queries_count; ++q) (void)index.search(&queries[q * dim], 10, nullptr, 40);
  const SearchStats one = index.search_stats();
  CHECK(one.searches == queries_count);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{32}}) {
    index.reset_search_stats();
    std::atomic<std::size_t> done{0};
    std::vector<std::atomic<int>> seen(queries_count);
    parallel_for(
        queries_count, VisitedPool::kSlots + 4,
        [&](std::size_t q, std::size_t) {
          seen[q].fetch_add(1);
          (void)index.search(&queries[q * dim], 10, nullptr, 40);
        },
        nullptr, &done, chunk);
    for (const std::atomic<int>& s : seen) CHECK(s.load() == 1);
    CHECK(done.load() == queries_count);
    const SearchStats many = index.search_stats();
    CHECK(many.searches == one.searches);
    CHECK(many.distance_evaluations == one.distance_evaluations);
    CHECK(many.visited_nodes == one.visited_nodes);
  }
  index.reset_search_stats();
  const SearchStats zero = index.search_stats();
  CHECK(zero.searches == 0 && zero.distance_evaluations == 0 && zero.visited_nodes == 0);
}

// autoGrow: adds on two threads from a capacity of 2 while another thread searches and saves; every label lands,
// the capacity doubles as it goes, and the file written afterwards loads whole.
void auto_grow_with_searches() {
  const std::size_t n = kCount;
  const std::vector<float> data = make_data(n, dim, 11), queries = make_data(kQueries, dim, 12);
  Space space(Metric::kL2, dim);
  HnswParams p;
  p.max_elements = 2;
  p.ef_construction = 64;
  p.auto_grow = true;
  HierarchicalNsw grown(space, p);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      for (std::size_t q = 0; q < 20; ++q) {
        for (const Neighbor& h : grown.search(&queries[q * dim], 5)) {
          if (h.label >= n) throw std::runtime_error("label out of range");
        }
      }
      (void)write_hnsw_buffer(grown);
    }
  });
  parallel_for(n, 2, [&](std::size_t i, std::size_t) { grown.add(&data[i * dim], i); });
  stop = true;
  reader.join();
  CHECK(grown.element_count() == n);
  CHECK(grown.max_elements() >= n && grown.max_elements() <= 2 * n + 16);
  for (std::size_t i = 0; i < n; i += 97) CHECK(grown.contains(i));
  // Growing a grown index to less than it holds does nothing; past 2^32 it refuses.
  const std::size_t capacity = grown.max_elements();
  grown.grow_to(10);
  CHECK(grown.max_elements() == capacity);
  expect_error(ErrorCode::kIndexFull, [&] { grown.grow_to(std::size_t{1} << 33); });
  std::vector<std::uint8_t> bytes = write_hnsw_buffer(grown);
  std::unique_ptr<HierarchicalNsw> loaded = read_hnsw_buffer(bytes.data(), bytes.size(), space, false, 0, false);
  CHECK(loaded->element_count() == n);
  CHECK(!loaded->auto_grow());
}

// compacted() on two threads while other threads search the old index and save it: the readers see the old
// elements throughout, the copy holds exactly the live ones.
void compaction_with_searches() {
  L2Index built = build_l2_index(2, kCount);
  HierarchicalNsw& index = *built.index;
  for (std::uint64_t label = 0; label < built.count; label += 3) index.mark_deleted(label);
  std::unique_ptr<HierarchicalNsw> fresh;
  read_during(
      [&] {
        for (std::size_t q = 0; q < 10; ++q) {
          check_hits(index.search(&built.queries[q * kDim], 5), 5, [](std::uint64_t l) { return l % 3 != 0; });
        }
        (void)write_hnsw_buffer(index);
      },
      [&] {
        fresh = index.compacted(
            2, [] { return true; }, [] {});
      });
  const std::size_t live = built.count - (built.count + 2) / 3;
  CHECK(fresh->element_count() == live && fresh->deleted_count() == 0);
  for (std::size_t q = 0; q < 10; ++q) {
    check_hits(fresh->search(&built.queries[q * kDim], 5), 5, [](std::uint64_t l) { return l % 3 != 0; });
  }
}

}  // namespace

std::vector<TestCase> concurrency_tests() {
  return {
      {"concurrent adds, searches, deletes and saves stay consistent", adds_deletes_saves_with_searches},
      {"concurrent updates of existing labels and searches stay consistent", updates_with_searches},
      {"concurrent deletes and restores with filtered searches stay consistent", deletes_with_filtered_searches},
      {"concurrent replace_deleted adds and searches never return a replaced label", replace_deleted_with_searches},
      {"statistics and label lists can be read during a concurrent build", stats_during_build},
      {"brute force: concurrent adds, removes and searches stay consistent", brute_force_writes_with_searches},
      {"search statistics are exact totals when many threads search", stats_exact_across_threads},
      {"autoGrow: concurrent adds from a capacity of 2 with searches and saves", auto_grow_with_searches},
      {"compaction on two threads while searches and saves read the old index", compaction_with_searches},
  };
}

}  // namespace engine_test
