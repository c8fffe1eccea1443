// The JS class HierarchicalNSW: an engine HierarchicalNsw behind a type-tagged ObjectWrap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "index/hierarchical_nsw.h"
#include "index_wrap.h"
#include "io/index_io.h"

namespace binding {

class HnswWrap final : public IndexWrap<HnswWrap, hnswkit::HierarchicalNsw> {
 public:
  static constexpr const char* kClassName = "HierarchicalNSW";
  static constexpr napi_type_tag kTypeTag = {0x6a1f3c58e2b94d07ULL, 0x91c4e7a2035b6f18ULL};

  // hnswlib's files (docs/format.md). Loads take (allowReplaceDeleted, maxElements, mmap) after the path or bytes,
  // and pass them on in the readers' order; maxElements 0 keeps the file's capacity. mmap true maps a file read-only
  // (map_hnsw_file, which keeps the file's capacity); lib passes it for files only.
  using LoadOptions = std::tuple<std::size_t, bool, bool>;  // max_elements, allow_replace_deleted, mmap
  static LoadOptions ParseLoadOptions(const Napi::CallbackInfo& info, std::size_t first) {
    const bool allow_replace_deleted = ExpectBool(info, first, "allowReplaceDeleted");
    const std::size_t max_elements = ExpectCount(info, first + 1, "maxElements");
    return {max_elements, allow_replace_deleted, info[first + 2].IsBoolean() && ExpectBool(info, first + 2, "mmap")};
  }
  static std::unique_ptr<Engine> ReadOrMapFile(const std::string& path, const hnswkit::Space& space, bool convert,
                                               std::size_t max_elements, bool allow_replace_deleted, bool mmap) {
    if (mmap) return hnswkit::map_hnsw_file(path, space, convert, allow_replace_deleted);
    return hnswkit::read_hnsw_file(path, space, convert, max_elements, allow_replace_deleted);
  }
  static std::unique_ptr<Engine> ReadBytes(const std::uint8_t* data, std::size_t size, const hnswkit::Space& space,
                                           bool convert, std::size_t max_elements, bool allow_replace_deleted,
                                           bool /*mmap*/) {
    return hnswkit::read_hnsw_buffer(data, size, space, convert, max_elements, allow_replace_deleted);
  }
  static constexpr auto kReadFile = &HnswWrap::ReadOrMapFile;
  static constexpr auto kReadBuffer = &HnswWrap::ReadBytes;
  static constexpr auto kWriteFile = &hnswkit::write_hnsw_file;
  static constexpr auto kWriteBuffer = &hnswkit::write_hnsw_buffer;
  static std::size_t ElementCount(const Engine& engine) { return engine.element_count(); }
  static bool ReadOnly(const Engine& engine) { return engine.read_only(); }
  static std::vector<std::uint64_t> LiveLabels(const Engine& engine) {
    return engine.labels(/*include_deleted=*/false);
  }

  // Row operations for batch.h.
  static void AddOne(Engine& engine, const float* vector, std::uint64_t label, bool replace_deleted) {
    engine.add(vector, label, replace_deleted);
  }
  static hnswkit::SearchHits SearchOne(const Engine& engine, const float* query, std::size_t k,
                                       const hnswkit::LabelFilter* filter, std::size_t ef) {
    return engine.search(query, k, filter, ef);
  }
  // An allow-list of at most `limit` labels (default: the engine's exact_search_limit for this width) is searched
  // exactly over its live elements.
  static bool ExactIds(const Engine& engine, const std::vector<std::uint64_t>& allowed, std::size_t width,
                       std::optional<std::size_t> limit, std::vector<std::uint32_t>* ids) {
    if (allowed.size() > limit.value_or(engine.exact_search_limit(width))) return false;
    *ids = engine.live_ids(allowed.data(), allowed.size());
    return true;
  }
  static hnswkit::SearchHits SearchAmong(const Engine& engine, const float* query, std::size_t k,
                                         const std::vector<std::uint32_t>& ids, const hnswkit::LabelFilter* filter) {
    return engine.search_among(query, k, ids, filter);
  }
  static hnswkit::SearchHits RangeOne(const Engine& engine, const float* query, float radius, std::size_t max_results,
                                      const hnswkit::LabelFilter* filter, std::size_t ef) {
    return engine.search_range(query, radius, max_results, filter, ef);
  }
  // An index created with autoGrow makes room for a batch before its rows start (grow_to), instead of refusing it.
  static bool AutoGrow(const Engine& engine) { return engine.auto_grow(); }
  static void Grow(Engine& engine, std::size_t needed) { engine.grow_to(needed); }
  // Only an index that allows replacement keeps its deleted slots for reuse.
  static std::size_t ReusableSlots(const Engine& engine) {
    return engine.allow_replace_deleted() ? engine.deleted_count() : 0;
  }
  // At least 1, because the engine reads ef 0 as "this->ef() at search time"; width max(1, k) equals max(0, k).
  static std::size_t CurrentEf(const Engine& engine) { return engine.ef() > 0 ? engine.ef() : 1; }

  static Napi::Function Init(Napi::Env env);
  explicit HnswWrap(const Napi::CallbackInfo& info) : IndexWrap(info) {}

 private:
  friend IndexWrap;

  Napi::Value InitIndex(const Napi::CallbackInfo& info);
  Napi::Value AddPoint(const Napi::CallbackInfo& info);
  Napi::Value MarkDelete(const Napi::CallbackInfo& info);
  Napi::Value UnmarkDelete(const Napi::CallbackInfo& info);
  Napi::Value SearchKnn(const Napi::CallbackInfo& info);
  Napi::Value GetDeletedCount(const Napi::CallbackInfo& info);
  Napi::Value GetEf(const Napi::CallbackInfo& info);
  Napi::Value SetEf(const Napi::CallbackInfo& info);
  Napi::Value GetM(const Napi::CallbackInfo& info);
  Napi::Value GetEfConstruction(const Napi::CallbackInfo& info);
  Napi::Value GetAllowReplaceDeleted(const Napi::CallbackInfo& info);
  Napi::Value GetStats(const Napi::CallbackInfo& info);
  Napi::Value ResetStats(const Napi::CallbackInfo& info);
  Napi::Value ResizeIndex(const Napi::CallbackInfo& info);
  Napi::Value Compact(const Napi::CallbackInfo& info);
  Napi::Value CompactSync(const Napi::CallbackInfo& info);

  class CompactJob;
  // JS thread: the compacted engine replaces `old` in the slot, with the ef and autoGrow the old one has now (setEf
  // may have run meanwhile), unless the slot was closed meanwhile.
  static void Install(Slot& slot, const Engine& old, std::unique_ptr<Engine> fresh, Napi::Env env);
};

}  // namespace binding
