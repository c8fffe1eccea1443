// BruteforceSearch's own methods: exact search over a flat vector store.
#include "brute_force_wrap.h"

namespace binding {

Napi::Function BruteForceWrap::Init(Napi::Env env) {
  return DefineJsClass(env, {JsMethod<&BruteForceWrap::RemovePoint, Access::kNotWhileReplacing>("removePoint")});
}

Napi::Value BruteForceWrap::InitIndex(const Napi::CallbackInfo& info) {
  const std::size_t max_elements = ExpectCount(info, 0, "maxElements");
  set_engine(std::make_shared<Engine>(space(), max_elements));
  return info.Env().Undefined();
}

// add and remove take the store's lock exclusively; a filter of a running search on this thread holds it shared.
Napi::Value BruteForceWrap::AddPoint(const Napi::CallbackInfo& info) {
  Napi::Float32Array vector = ExpectVector(info, 0, "vector", space().dim());
  const std::uint64_t label = ExpectLabel(info, 1);
  RequireEngine(info.Env())->add(vector.Data(), label);
  return info.Env().Undefined();
}

Napi::Value BruteForceWrap::RemovePoint(const Napi::CallbackInfo& info) {
  const std::uint64_t label = ExpectLabel(info, 0);
  return Napi::Boolean::New(info.Env(), RequireEngine(info.Env())->remove(label));
}

Napi::Value BruteForceWrap::SearchKnn(const Napi::CallbackInfo& info) {
  Napi::Float32Array query = ExpectVector(info, 0, "query", space().dim());
  const std::size_t k = ExpectCount(info, 1, "k");
  Napi::Function filter = OptionalFunction(info, 2, "filter");
  Napi::Float64Array out = ExpectHitBuffer(info, 3, k);
  std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
  return SearchInto(info.Env(), query, k, engine->max_elements(), filter, out,
                    [&](const float* q, const hnswkit::LabelFilter* f) { return engine->search(q, k, f); });
}

}  // namespace binding
