// Engine test: the graph and brute-force indexes on one thread at a time: recall against exact search, filters,
// deletion, resizing, updates and slot reuse.
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "engine_test.h"
#include "index/label_set.h"
#include "io/index_io.h"

using namespace hnswkit;

namespace engine_test {
namespace {

void recall_for_metric(Metric metric) {
  const std::size_t size = kUnderTsan ? kCount / 4 : kCount;
  const std::vector<float> data = make_data(size, kDim, 1), queries = make_data(kQueries, kDim, 2);
  Space space(metric, kDim);
  HnswParams p;
  p.max_elements = size;
  HierarchicalNsw index(space, p);
  BruteForce exact(space, size);
  for (std::size_t i = 0; i < size; ++i) {
    index.add(&data[i * kDim], i);
    exact.add(&data[i * kDim], i);
  }
  const double r = recall_at(index, exact, queries, kDim, 10, 100);
  std::printf("     recall %.4f\n", r);
  CHECK(r >= 0.95);
}

void two_thread_build_recall() {
  const L2Index built = build_l2_index(2);
  const double r = recall_at(*built.index, *built.exact, built.queries, kDim, 10, 100);
  std::printf("     recall %.4f\n", r);
  CHECK(r >= 0.95);
  CHECK(built.index->element_count() == kCount);
}

void self_queries() {
  const L2Index built = build_l2_index(2, kReadCaseCount);
  for (std::size_t i = 0; i < built.count; i += 97) {
    SearchHits hits = built.index->search(&built.data[i * kDim], 1, nullptr, 50);
    CHECK(hits.size() == 1 && hits[0].label == i && hits[0].distance == 0.0f);
  }
}

void filter_finds_k() {
  const L2Index built = build_l2_index(2, kReadCaseCount);
  EvenOnly even;
  for (std::size_t q = 0; q < 50; ++q) {
    SearchHits hits = built.index->search(&built.queries[q * kDim], 10, &even, 50);
    CHECK(hits.size() == 10);
    for (const Neighbor& h : hits) CHECK(h.label % 2 == 0);
    SearchHits truth = built.exact->search(&built.queries[q * kDim], 10, &even);
    CHECK(truth.size() == 10);
    for (const Neighbor& h : truth) CHECK(h.label % 2 == 0);
  }
}

void label_sets() {
  const L2Index built = build_l2_index(2, kReadCaseCount);
  std::vector<std::uint64_t> dense, sparse;
  for (std::uint64_t l = 0; l < built.count; l += 5) dense.push_back(l);
  for (std::uint64_t l = 0; l < 50; ++l) sparse.push_back(l * 1000000007ull);
  LabelSet allow(dense, LabelSet::Mode::kAllow), deny(dense, LabelSet::Mode::kDeny);
  LabelSet sparse_allow(sparse, LabelSet::Mode::kAllow);
  CHECK(sparse_allow.contains(49 * 1000000007ull) && !sparse_allow.contains(1));
  CHECK(LabelSet({}, LabelSet::Mode::kDeny).allowed(123) && !LabelSet({}, LabelSet::Mode::kAllow).allowed(0));
  for (std::size_t q = 0; q < 30; ++q) {
    for (const Neighbor& h : built.index->search(&built.queries[q * kDim], 10, &allow, 50)) CHECK(h.label % 5 == 0);
    for (const Neighbor& h : built.index->search(&built.queries[q * kDim], 10, &deny, 50)) CHECK(h.label % 5 != 0);
  }
}

// search_among over the live ids of an allow-list gives the exact filtered answer, the brute-force one, for lists
// with absent, repeated and deleted labels; a slot whose label changed since live_ids is not returned.
void exact_among_allowed() {
  const L2Index built = build_l2_index(2, kReadCaseCount);
  HierarchicalNsw& index = *built.index;
  std::vector<std::uint64_t> allowed;
  for (std::uint64_t l = 3; l < built.count; l += 41) allowed.push_back(l);
  allowed.push_back(allowed[0]);          // repeated
  allowed.push_back(built.count + 1000);  // absent
  index.mark_deleted(allowed[1]);
  const std::vector<std::uint32_t> ids = index.live_ids(allowed.data(), allowed.size());
  CHECK(ids.size() == allowed.size() - 3);
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  std::vector<std::uint64_t> live(allowed.begin(), allowed.end() - 2);
  live.erase(live.begin() + 1);
  LabelSet set(live, LabelSet::Mode::kAllow);
  for (std::size_t q = 0; q < 50; ++q) {
    const float* query = &built.queries[q * kDim];
    const SearchHits hits = index.search_among(query, 10, ids, &set);
    const SearchHits truth = built.exact->search(query, 10, &set);
    CHECK(hits.size() == 10 && truth.size() == 10);
    for (std::size_t i = 0; i < 10; ++i)
      CHECK(hits[i].label == truth[i].label && hits[i].distance == truth[i].distance);
  }
  // Deleted after the ids were taken: skipped. All of them asked for: every live one, closest first.
  index.mark_deleted(allowed[2]);
  const SearchHits all = index.search_among(&built.queries[0], ids.size() + 5, ids, nullptr);
  CHECK(all.size() == ids.size() - 1);
  for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].distance <= all[i].distance);
  for (const Neighbor& h : all) CHECK(h.label != allowed[2]);
  CHECK(index.search_among(&built.queries[0], 10, {}, nullptr).empty());
  // The limit grows with the width and the element count.
  CHECK(index.exact_search_limit(10) < index.exact_search_limit(40));
  CHECK(index.exact_search_limit(40) > 0);
}

// compacted(): the live elements only, each with its own vector, searchable as well as the index they came from,
// and the original untouched; a stop request ends it with kCancelled.
void compaction() {
  L2Index built = build_l2_index(2, kReadCaseCount);
  HierarchicalNsw& index = *built.index;
  for (std::uint64_t label = 0; label < built.count; label += 2) {
    index.mark_deleted(label);
    built.exact->remove(label);
  }
  index.set_ef(77);
  std::size_t counted = 0;
  std::mutex count_mutex;
  const auto fresh = index.compacted(
      2, [] { return true; },
      [&] {
        std::lock_guard<std::mutex> lock(count_mutex);
        ++counted;
      });
  const std::size_t live = built.count / 2;
  CHECK(counted == live);
  CHECK(fresh->element_count() == live && fresh->deleted_count() == 0);
  CHECK(fresh->max_elements() == index.max_elements() && fresh->ef() == 77 && fresh->m() == index.m());
  CHECK(index.element_count() == built.count && index.deleted_count() == built.count - live);
  std::vector<std::uint64_t> labels = fresh->labels();
  std::sort(labels.begin(), labels.end());
  CHECK(labels.size() == live && labels.front() == 1 && labels.back() == built.count - 1);
  for (std::uint64_t label = 1; label < built.count; label += 194) {
    CHECK(fresh->get_vector(label) == index.get_vector(label));
  }
  const double before = recall_at(index, *built.exact, built.queries, kDim, 10, 40);
  const double after = recall_at(*fresh, *built.exact, built.queries, kDim, 10, 40);
  std::printf("     recall@10 ef 40: tombstoned %.4f, compacted %.4f\n", before, after);
  CHECK(after >= 0.95 && after >= before - 0.02);
  bool threw = false;
  try {
    std::size_t asked = 0;
    index.compacted(
        1, [&] { return ++asked < 100; }, [] {});
  } catch (const Error& e) {
    threw = e.code() == ErrorCode::kCancelled;
  }
  CHECK(threw);
}

void delete_and_restore() {
  L2Index built = build_l2_index(2, kReadCaseCount);
  HierarchicalNsw& index = *built.index;
  for (std::uint64_t l = 0; l < built.count; l += 3) index.mark_deleted(l);
  CHECK(index.deleted_count() == (built.count + 2) / 3);
  for (std::size_t q = 0; q < 100; ++q) {
    for (const Neighbor& h : index.search(&built.queries[q * kDim], 10)) CHECK(h.label % 3 != 0);
  }
  expect_error(ErrorCode::kAlreadyDeleted, [&] { index.mark_deleted(0); });
  expect_error(ErrorCode::kLabelNotFound, [&] { index.get_vector(0); });
  for (std::uint64_t l = 0; l < built.count; l += 3) index.unmark_deleted(l);
  expect_error(ErrorCode::kNotDeleted, [&] { index.unmark_deleted(0); });
  expect_error(ErrorCode::kLabelNotFound, [&] { index.mark_deleted(built.count + 5); });
  CHECK(index.deleted_count() == 0);
}

void full_index_and_resize() {
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
}

void update_moves_vector() {
  const std::vector<float> data = make_data(kCount, kDim, 1), queries = make_data(kQueries, kDim, 2);
  Space space(Metric::kL2, kDim);
  HnswParams p;
  p.max_elements = 1000;
  std::unique_ptr<HierarchicalNsw> local = build_index(space, p, data, 1000);
  for (std::size_t i = 0; i < 100; ++i) local->add(&queries[i * kDim], i);  // labels 0..99 move to the queries
  CHECK(local->element_count() == 1000);
  std::size_t found = 0;
  for (std::size_t i = 0; i < 100; ++i) {
    SearchHits hits = local->search(&queries[i * kDim], 1, nullptr, 50);
    found += hits.size() == 1 && hits[0].label == i;
    CHECK(local->get_vector(i) == std::vector<float>(&queries[i * kDim], &queries[i * kDim] + kDim));
  }
  CHECK(found >= 98);
}

void replace_deleted() {
  const std::vector<float> data = make_data(kCount, kDim, 1);
  Space space(Metric::kL2, kDim);
  HnswParams p;
  p.max_elements = 100;
  p.allow_replace_deleted = true;
  std::unique_ptr<HierarchicalNsw> local = build_index(space, p, data, 100);
  for (std::uint64_t l = 0; l < 10; ++l) local->mark_deleted(l);
  expect_error(ErrorCode::kUpdateDeleted, [&] { local->add(&data[0], 0); });
  for (std::size_t i = 0; i < 10; ++i) local->add(&data[(200 + i) * kDim], 1000 + i, true);
  CHECK(local->element_count() == 100);
  CHECK(local->deleted_count() == 0);
  expect_error(ErrorCode::kIndexFull, [&] { local->add(&data[300 * kDim], 2000, true); });
  for (std::size_t i = 0; i < 10; ++i) {
    SearchHits hits = local->search(&data[(200 + i) * kDim], 1, nullptr, 50);
    CHECK(hits[0].label == 1000 + i);
    CHECK(!local->contains(i));
  }
  // An index made without allow_replace_deleted refuses the reuse.
  HnswParams plain;
  plain.max_elements = 100;
  std::unique_ptr<HierarchicalNsw> no_reuse = build_index(space, plain, data, 100);
  expect_error(ErrorCode::kReplaceDisabled, [&] { no_reuse->add(&data[0], 99999, true); });
}

void brute_force_basics() {
  Space space(Metric::kL2, 2);
  BruteForce bf(space, 4);
  float a[2] = {0, 0}, b[2] = {1, 0}, c[2] = {2, 0}, d[2] = {3, 0};
  bf.add(a, 10);
  bf.add(b, 11);
  bf.add(c, 12);
  CHECK(bf.search(a, 10).size() == 3);
  CHECK(bf.remove(12));  // last slot
  CHECK(!bf.remove(12));
  bf.add(c, 12);
  CHECK(bf.search(c, 1)[0].label == 12);
  CHECK(bf.remove(10));  // first slot: the last moves into it
  CHECK(bf.count() == 2);
  CHECK(bf.get_vector(12) == std::vector<float>({2, 0}));
  bf.add(d, 13);
  bf.add(d, 11);  // update
  CHECK(bf.count() == 3);
  std::vector<std::uint8_t> bytes = write_brute_force_buffer(bf);
  CHECK(bytes.size() == 24 + 4 * (2 * 4 + 8));
  std::unique_ptr<BruteForce> loaded = read_brute_force_buffer(bytes.data(), bytes.size(), space, false);
  CHECK(loaded->count() == 3);
  CHECK(loaded->remove(13));
  CHECK(loaded->search(d, 1)[0].label == 11);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    expect_error(ErrorCode::kCorruptFile, [&] { read_brute_force_buffer(bytes.data(), cut, space, false); });
  }
  expect_error(ErrorCode::kIndexFull, [&] {
    BruteForce tiny(space, 1);
    tiny.add(a, 1);
    tiny.add(b, 2);
  });
}

}  // namespace

std::vector<TestCase> index_tests() {
  std::vector<TestCase> tests;
  for (Metric metric : {Metric::kL2, Metric::kInnerProduct, Metric::kCosine}) {
    tests.push_back({std::string("recall@10 >= 0.95 at ef 100 for ") + metric_name(metric),
                     [metric] { recall_for_metric(metric); }});
  }
  const std::vector<TestCase> fixed = {
      {"a 2-thread build reaches the same recall", two_thread_build_recall},
      {"self queries return the element itself first", self_queries},
      {"the filter admits only allowed labels and still finds k", filter_finds_k},
      {"label sets filter as allow- and deny-lists, dense and sparse", label_sets},
      {"an exact search over an allow-list's live ids equals brute force", exact_among_allowed},
      {"compaction keeps the live elements and their vectors, and stops when asked", compaction},
      {"deleted labels are never returned and can be restored", delete_and_restore},
      {"a full index refuses, resize makes room, shrinking below count refuses", full_index_and_resize},
      {"updating a label moves its vector and search finds it at the new place", update_moves_vector},
      {"replace_deleted reuses slots and refuses when disabled", replace_deleted},
      {"brute force: add, update, remove last and middle, search clamps k, file round trip", brute_force_basics},
  };
  tests.insert(tests.end(), fixed.begin(), fixed.end());
  return tests;
}

}  // namespace engine_test
