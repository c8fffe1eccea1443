// The JS class BruteforceSearch: an engine BruteForce behind a type-tagged ObjectWrap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "index/brute_force.h"
#include "index_wrap.h"
#include "io/index_io.h"

namespace binding {

class BruteForceWrap final : public IndexWrap<BruteForceWrap, hnswkit::BruteForce> {
 public:
  static constexpr const char* kClassName = "BruteforceSearch";
  static constexpr napi_type_tag kTypeTag = {0x2d85b0f4c7e1396aULL, 0xe4073a9bd15c8f62ULL};

  // Brute-force files (docs/format.md) carry everything a load needs: it takes IndexWrap's empty LoadOptions.
  static constexpr auto kReadFile = &hnswkit::read_brute_force_file;
  static constexpr auto kReadBuffer = &hnswkit::read_brute_force_buffer;
  static constexpr auto kWriteFile = &hnswkit::write_brute_force_file;
  static constexpr auto kWriteBuffer = &hnswkit::write_brute_force_buffer;
  static std::size_t ElementCount(const Engine& engine) { return engine.count(); }
  static std::vector<std::uint64_t> LiveLabels(const Engine& engine) { return engine.labels(); }  // none is deleted

  // Row operations for batch.h: a brute-force store has no deleted slots and no search width.
  static void AddOne(Engine& engine, const float* vector, std::uint64_t label, bool) { engine.add(vector, label); }
  static hnswkit::SearchHits SearchOne(const Engine& engine, const float* query, std::size_t k,
                                       const hnswkit::LabelFilter* filter, std::size_t) {
    return engine.search(query, k, filter);
  }
  // A scan is exact already; it never takes the exact path HierarchicalNSW takes for short allow-lists.
  static bool ExactIds(const Engine&, const std::vector<std::uint64_t>&, std::size_t, std::optional<std::size_t>,
                       std::vector<std::uint32_t>*) {
    return false;
  }
  static hnswkit::SearchHits SearchAmong(const Engine& engine, const float* query, std::size_t k,
                                         const std::vector<std::uint32_t>&, const hnswkit::LabelFilter* filter) {
    return engine.search(query, k, filter);
  }
  static hnswkit::SearchHits RangeOne(const Engine& engine, const float* query, float radius, std::size_t max_results,
                                      const hnswkit::LabelFilter* filter, std::size_t) {
    return engine.search_range(query, radius, max_results, filter);
  }
  static std::size_t ReusableSlots(const Engine&) { return 0; }
  static bool AutoGrow(const Engine&) { return false; }
  static void Grow(Engine&, std::size_t) {}
  static std::size_t CurrentEf(const Engine&) { return 1; }

  static Napi::Function Init(Napi::Env env);
  explicit BruteForceWrap(const Napi::CallbackInfo& info) : IndexWrap(info) {}

 private:
  friend IndexWrap;

  Napi::Value InitIndex(const Napi::CallbackInfo& info);
  Napi::Value AddPoint(const Napi::CallbackInfo& info);
  Napi::Value RemovePoint(const Napi::CallbackInfo& info);
  Napi::Value SearchKnn(const Napi::CallbackInfo& info);
};

}  // namespace binding
