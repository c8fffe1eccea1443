// The JS class BruteforceSearch: an engine BruteForce behind a type-tagged ObjectWrap.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/brute_force.h"
#include "index_wrap.h"

namespace binding {

class BruteForceWrap final : public IndexWrap<BruteForceWrap, hnswkit::BruteForce> {
 public:
  using Engine = hnswkit::BruteForce;

  static constexpr const char* kClassName = "BruteforceSearch";
  static constexpr napi_type_tag kTypeTag = {0x2d85b0f4c7e1396aULL, 0xe4073a9bd15c8f62ULL};

  // Codec for IndexWrap's read/write methods; brute-force files carry everything, so loading takes no options.
  struct LoadOptions {};
  static LoadOptions ParseLoadOptions(const Napi::CallbackInfo&, std::size_t) { return {}; }
  static std::unique_ptr<Engine> ReadFile(const std::string& path, const hnswkit::Space& space, const LoadOptions&);
  static std::unique_ptr<Engine> ReadBuffer(const std::uint8_t* data, std::size_t size, const hnswkit::Space& space,
                                            const LoadOptions&);
  static void WriteFile(const Engine& engine, const std::string& path);
  static std::vector<std::uint8_t> WriteBuffer(const Engine& engine);
  static std::size_t ElementCount(const Engine& engine) { return engine.count(); }

  // Row operations for batch.h: a brute-force store has no deleted slots and no search width.
  static void AddOne(Engine& engine, const float* vector, std::uint64_t label, bool) { engine.add(vector, label); }
  static hnswkit::SearchHits SearchOne(const Engine& engine, const float* query, std::size_t k,
                                       const hnswkit::LabelFilter* filter, std::size_t) {
    return engine.search(query, k, filter);
  }
  static std::size_t ReusableSlots(const Engine&) { return 0; }
  static std::size_t CurrentEf(const Engine&) { return 1; }

  static Napi::Function Init(Napi::Env env);
  explicit BruteForceWrap(const Napi::CallbackInfo& info) : IndexWrap(info) {}

 private:
  Napi::Value InitIndex(const Napi::CallbackInfo& info);
  Napi::Value AddPoint(const Napi::CallbackInfo& info);
  Napi::Value RemovePoint(const Napi::CallbackInfo& info);
  Napi::Value SearchKnn(const Napi::CallbackInfo& info);
};

}  // namespace binding
