// Engine test: range search. Brute force against a full scan cut at the radius; the graph's range walk against
// brute force (recall of the range set at radii holding tens of elements), max_results, filters and deletion.
#include <algorithm>
#include <cstdio>
#include <set>

#include "engine_test.h"
#include "index/label_set.h"

using namespace hnswkit;

namespace engine_test {
namespace {

// The distance of each query's n-th nearest element: a radius that holds about n elements.
std::vector<float> radii_for(const BruteForce& exact, const std::vector<float>& queries, std::size_t dim,
                             std::size_t n) {
  std::vector<float> radii;
  for (std::size_t q = 0; q * dim < queries.size(); ++q)
    radii.push_back(exact.search(&queries[q * dim], n)[n - 1].distance);
  return radii;
}

// Closest first, ties by ascending label, every distance within radius.
void check_range_order(const SearchHits& hits, float radius) {
  for (std::size_t i = 0; i < hits.size(); ++i) {
    CHECK(hits[i].distance <= radius);
    if (i > 0) {
      CHECK(hits[i - 1].distance < hits[i].distance ||
            (hits[i - 1].distance == hits[i].distance && hits[i - 1].label < hits[i].label));
    }
  }
}

void brute_force_range_is_exact() {
  const std::vector<float> data = make_data(1000, kDim, 1), queries = make_data(50, kDim, 2);
  for (Metric metric : {Metric::kL2, Metric::kInnerProduct, Metric::kCosine}) {
    Space space(metric, kDim);
    BruteForce exact(space, 1000);
    for (std::size_t i = 0; i < 1000; ++i) exact.add(&data[i * kDim], i);
    const std::vector<float> radii = radii_for(exact, queries, kDim, 40);
    EvenOnly even;
    for (std::size_t q = 0; q < 50; ++q) {
      const float* query = &queries[q * kDim];
      for (const LabelFilter* filter :
           {static_cast<const LabelFilter*>(nullptr), static_cast<const LabelFilter*>(&even)}) {
        SearchHits all = exact.search(query, 1000, filter);
        all.erase(std::remove_if(all.begin(), all.end(), [&](const Neighbor& n) { return n.distance > radii[q]; }),
                  all.end());
        const SearchHits range = exact.search_range(query, radii[q], 0, filter);
        CHECK(range.size() == all.size());
        for (std::size_t i = 0; i < range.size(); ++i) {
          CHECK(range[i].label == all[i].label && range[i].distance == all[i].distance);
        }
        check_range_order(range, radii[q]);
        const SearchHits first = exact.search_range(query, radii[q], 7, filter);
        CHECK(first.size() == std::min<std::size_t>(7, all.size()));
        for (std::size_t i = 0; i < first.size(); ++i) CHECK(first[i].label == all[i].label);
      }
    }
    // Every distance is at least -1 for ip and cosine, and at least 0 for l2.
    CHECK(exact.search_range(queries.data(), -1e30f).empty());
    CHECK(exact.search_range(queries.data(), 1e30f).size() == 1000);
  }
}

// Recall of the range set: the fraction of the exact in-range elements the graph's range search returns.
double range_recall(const HierarchicalNsw& index, const BruteForce& exact, const std::vector<float>& queries,
                    const std::vector<float>& radii, std::size_t ef, const LabelFilter* filter = nullptr) {
  std::size_t found = 0, total = 0;
  for (std::size_t q = 0; q < radii.size(); ++q) {
    const float* query = &queries[q * kDim];
    const SearchHits truth = exact.search_range(query, radii[q], 0, filter);
    const SearchHits hits = index.search_range(query, radii[q], 0, filter, ef);
    check_range_order(hits, radii[q]);
    std::set<std::uint64_t> got;
    for (const Neighbor& h : hits) {
      CHECK(filter == nullptr || filter->allowed(h.label));
      got.insert(h.label);
    }
    CHECK(got.size() == hits.size());
    for (const Neighbor& t : truth) found += got.count(t.label);
    total += truth.size();
  }
  return total == 0 ? 1.0 : static_cast<double>(found) / static_cast<double>(total);
}

void graph_range_recall(Metric metric) {
  const std::size_t size = kUnderTsan ? kCount / 4 : kCount;
  const std::vector<float> data = make_data(size, kDim, 1), queries = make_data(kQueries, kDim, 2);
  Space space(metric, kDim);
  HnswParams p;
  p.max_elements = size;
  const std::unique_ptr<HierarchicalNsw> index = build_index(space, p, data, size);
  BruteForce exact(space, size);
  for (std::size_t i = 0; i < size; ++i) exact.add(&data[i * kDim], i);
  // At ef 10 the walk already beats a k-nn search of k = the elements in range (0.87 against 0.75 at 10 in range on
  // this data, 24-d Gaussian vectors, which is hard for any graph); the beam's width buys the rest.
  for (std::size_t n : {10, 100}) {
    const std::vector<float> radii = radii_for(exact, queries, kDim, n);
    for (std::size_t ef : {10, 40, 80}) {
      const double r = range_recall(*index, exact, queries, radii, ef);
      std::printf("     %zu in range, ef %zu: recall %.4f\n", n, ef, r);
      if (ef == 80) CHECK(r >= 0.99);
    }
  }
}

void graph_range_limits_and_filters() {
  const L2Index built = build_l2_index(2, kReadCaseCount);
  const std::vector<float> radii = radii_for(*built.exact, built.queries, kDim, 50);
  EvenOnly even;
  const double filtered = range_recall(*built.index, *built.exact, built.queries, radii, 80, &even);
  std::printf("     filtered recall %.4f\n", filtered);
  CHECK(filtered >= 0.99);

  // max_results keeps the closest: the exact first ones, nearly always.
  std::size_t exact_prefixes = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    const float* query = &built.queries[q * kDim];
    const SearchHits few = built.index->search_range(query, radii[q], 5, nullptr, 80);
    check_range_order(few, radii[q]);
    CHECK(few.size() == 5);
    const SearchHits truth = built.exact->search_range(query, radii[q], 5);
    bool same = true;
    for (std::size_t i = 0; i < 5; ++i) same = same && few[i].label == truth[i].label;
    exact_prefixes += same;
  }
  std::printf("     max_results 5 exact in %zu of %zu\n", exact_prefixes, kQueries);
  CHECK(exact_prefixes >= kQueries * 95 / 100);

  // Deleted elements are walked through, never returned; a radius below every distance finds nothing.
  for (std::uint64_t label = 0; label < built.count; label += 3) built.index->mark_deleted(label);
  for (std::size_t q = 0; q < 20; ++q) {
    for (const Neighbor& h : built.index->search_range(&built.queries[q * kDim], radii[q], 0, nullptr, 10)) {
      CHECK(h.label % 3 != 0);
    }
  }
  CHECK(built.index->search_range(built.queries.data(), -1.0f).empty());
  HnswParams p;
  p.max_elements = 4;
  CHECK(HierarchicalNsw(built.space, p).search_range(built.queries.data(), 1e30f).empty());
}

}  // namespace

std::vector<TestCase> range_tests() {
  std::vector<TestCase> tests = {
      {"brute-force range search equals a full scan cut at the radius, for every metric", brute_force_range_is_exact},
  };
  for (Metric metric : {Metric::kL2, Metric::kInnerProduct, Metric::kCosine}) {
    tests.push_back({std::string("graph range search recall >= 0.99 at ef 80 for ") + metric_name(metric),
                     [metric] { graph_range_recall(metric); }});
  }
  tests.push_back({"graph range search: filters, max_results keeps the closest, deleted never returned",
                   graph_range_limits_and_filters});
  return tests;
}

}  // namespace engine_test
