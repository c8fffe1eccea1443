// HierarchicalNSW's own methods: building, filling, tuning and searching the graph index.
#include "hnsw_wrap.h"

#include "space/kernels.h"

namespace binding {

Napi::Function HnswWrap::Init(Napi::Env env) {
  return DefineJsClass(env, {
                                JsMethod<&HnswWrap::MarkDelete, Access::kWrite>("markDelete"),
                                JsMethod<&HnswWrap::UnmarkDelete, Access::kWrite>("unmarkDelete"),
                                JsMethod<&HnswWrap::GetDeletedCount>("getDeletedCount"),
                                JsMethod<&HnswWrap::GetEf>("getEf"),
                                JsMethod<&HnswWrap::SetEf, Access::kNotWhileReplacing>("setEf"),
                                JsMethod<&HnswWrap::GetM>("getM"),
                                JsMethod<&HnswWrap::GetEfConstruction>("getEfConstruction"),
                                JsMethod<&HnswWrap::GetAllowReplaceDeleted>("getAllowReplaceDeleted"),
                                JsMethod<&HnswWrap::ResizeIndex, Access::kExclusive>("resizeIndex"),
                                JsMethod<&HnswWrap::GetStats>("getStats"),
                                JsMethod<&HnswWrap::ResetStats>("resetStats"),
                            });
}

Napi::Value HnswWrap::InitIndex(const Napi::CallbackInfo& info) {
  hnswkit::HnswParams params;
  params.max_elements = ExpectCount(info, 0, "maxElements");
  params.m = ExpectCount(info, 1, "m");
  params.ef_construction = ExpectCount(info, 2, "efConstruction");
  params.random_seed = ExpectInteger(info, 3, "randomSeed", 0, kMaxSafeInteger);
  params.allow_replace_deleted = ExpectBool(info, 4, "allowReplaceDeleted");
  params.auto_grow = ExpectBool(info, 5, "autoGrow");
  set_engine(std::make_shared<Engine>(space(), params));
  return info.Env().Undefined();
}

Napi::Value HnswWrap::AddPoint(const Napi::CallbackInfo& info) {
  Napi::Float32Array vector = ExpectVector(info, 0, "vector", space().dim());
  const std::uint64_t label = ExpectLabel(info, 1);
  const bool replace_deleted = ExpectBool(info, 2, "replaceDeleted");
  RequireEngine(info.Env())->add(vector.Data(), label, replace_deleted);
  return info.Env().Undefined();
}

Napi::Value HnswWrap::MarkDelete(const Napi::CallbackInfo& info) {
  const std::uint64_t label = ExpectLabel(info, 0);
  RequireEngine(info.Env())->mark_deleted(label);
  return info.Env().Undefined();
}

Napi::Value HnswWrap::UnmarkDelete(const Napi::CallbackInfo& info) {
  const std::uint64_t label = ExpectLabel(info, 0);
  RequireEngine(info.Env())->unmark_deleted(label);
  return info.Env().Undefined();
}

Napi::Value HnswWrap::SearchKnn(const Napi::CallbackInfo& info) {
  Napi::Float32Array query = ExpectVector(info, 0, "query", space().dim());
  const std::size_t k = ExpectCount(info, 1, "k");
  Napi::Function filter = OptionalFunction(info, 2, "filter");
  const std::size_t ef = ExpectCount(info, 3, "ef");
  Napi::Float64Array out = ExpectHitBuffer(info, 4, k);
  std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
  return SearchInto(info.Env(), query, k, engine->max_elements(), filter, out,
                    [&](const float* q, const hnswkit::LabelFilter* f) { return engine->search(q, k, f, ef); });
}

Napi::Value HnswWrap::GetDeletedCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(RequireEngine(info.Env())->deleted_count()));
}

Napi::Value HnswWrap::GetEf(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(RequireEngine(info.Env())->ef()));
}

Napi::Value HnswWrap::SetEf(const Napi::CallbackInfo& info) {
  const std::size_t ef = ExpectCount(info, 0, "ef");
  RequireEngine(info.Env())->set_ef(ef);
  return info.Env().Undefined();
}

Napi::Value HnswWrap::GetM(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(RequireEngine(info.Env())->m()));
}

Napi::Value HnswWrap::GetEfConstruction(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(RequireEngine(info.Env())->ef_construction()));
}

Napi::Value HnswWrap::GetAllowReplaceDeleted(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), RequireEngine(info.Env())->allow_replace_deleted());
}

// resize takes the structure lock exclusively; a filter of a running search on this thread holds it shared.
Napi::Value HnswWrap::ResizeIndex(const Napi::CallbackInfo& info) {
  const std::size_t new_max_elements = ExpectCount(info, 0, "newMaxElements");
  RequireWritable(info.Env(), "resizeIndex");
  RequireEngine(info.Env())->resize(new_max_elements);
  return info.Env().Undefined();
}

// Shape and search counters in one object, so tuning tools read a consistent picture with one call.
Napi::Value HnswWrap::GetStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::shared_ptr<Engine> engine = RequireEngine(env);
  const auto number = [&](double v) { return Napi::Number::New(env, v); };
  const std::vector<std::size_t> per_level = engine->level_counts();
  const std::vector<double> degree = engine->mean_out_degree();
  Napi::Array elements = Napi::Array::New(env, per_level.size());
  Napi::Array out_degree = Napi::Array::New(env, degree.size());
  for (std::size_t l = 0; l < per_level.size(); ++l) elements.Set(static_cast<std::uint32_t>(l), number(per_level[l]));
  for (std::size_t l = 0; l < degree.size(); ++l) out_degree.Set(static_cast<std::uint32_t>(l), number(degree[l]));
  const hnswkit::SearchStats searches = engine->search_stats();
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("maxLevel", number(engine->max_level()));
  const std::uint32_t entry = engine->entry_point();
  stats.Set("entryPoint",
            entry == Engine::kNoEntry ? env.Null() : number(static_cast<double>(engine->label_at(entry))));
  stats.Set("elementsPerLevel", elements);
  stats.Set("meanOutDegree", out_degree);
  stats.Set("count", number(static_cast<double>(engine->element_count())));
  stats.Set("deletedCount", number(static_cast<double>(engine->deleted_count())));
  stats.Set("maxElements", number(static_cast<double>(engine->max_elements())));
  stats.Set("memoryBytes", number(static_cast<double>(engine->memory_bytes())));
  stats.Set("mappedBytes", number(static_cast<double>(engine->mapped_bytes())));
  stats.Set("simdLevel", Napi::String::New(env, hnswkit::active_kernels().name));
  stats.Set("searches", number(static_cast<double>(searches.searches)));
  stats.Set("distanceEvaluations", number(static_cast<double>(searches.distance_evaluations)));
  stats.Set("visitedNodes", number(static_cast<double>(searches.visited_nodes)));
  return stats;
}

Napi::Value HnswWrap::ResetStats(const Napi::CallbackInfo& info) {
  RequireEngine(info.Env())->reset_search_stats();
  return info.Env().Undefined();
}

}  // namespace binding
