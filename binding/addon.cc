// Module entry: defines the addon's exports once per Node environment (main thread and each worker).
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>

#include "args.h"
#include "brute_force_wrap.h"
#include "errors.h"
#include "hnsw_wrap.h"
#include "space/kernels.h"
#include "space/space.h"

namespace binding {

// Napi::Addon keeps one instance per environment, so each worker_thread gets its own class constructors and nothing
// JS-side lives in process-wide statics.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceValue("HierarchicalNSW", HnswWrap::Init(env), napi_enumerable),
                             InstanceValue("BruteforceSearch", BruteForceWrap::Init(env), napi_enumerable),
                             InstanceMethod<&Addon::Distance>("distance", napi_enumerable),
                             InstanceMethod<&Addon::SimdLevel>("simdLevel", napi_enumerable),
                             InstanceMethod<&Addon::TakeSimdWarning>("takeSimdWarning", napi_enumerable),
                             InstanceMethod<&Addon::FirstNonFiniteOf>("firstNonFinite", napi_enumerable),
                         });
  }

 private:
  // distance(space, a, b) with the same kernels and cosine preparation an index uses.
  Napi::Value Distance(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), [&]() -> Napi::Value {
      const hnswkit::Metric metric = ExpectMetric(info, 0, "space");
      Napi::Float32Array a = ExpectFloat32Array(info, 1, "a");
      const std::size_t dim = a.ElementLength();
      if (dim == 0) throw Napi::RangeError::New(info.Env(), "Expected `a` to have at least 1 element but received 0");
      Napi::Float32Array b = ExpectVector(info, 2, "b", dim);
      const hnswkit::Space space(metric, dim);
      if (!space.normalizes()) return Napi::Number::New(info.Env(), space.distance(a.Data(), b.Data()));
      std::vector<float> prepared(2 * dim);
      space.prepare(a.Data(), prepared.data());
      space.prepare(b.Data(), prepared.data() + dim);
      return Napi::Number::New(info.Env(), space.distance(prepared.data(), prepared.data() + dim));
    });
  }

  // firstNonFinite(array, from, to): the index of the first NaN or infinite element of array[from, to), or -1. lib/
  // checks the slices of a large batch with it: a JS loop over cold code takes many times as long per slice.
  Napi::Value FirstNonFiniteOf(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), [&]() -> Napi::Value {
      Napi::Float32Array array = ExpectFloat32Array(info, 0, "array");
      const std::size_t length = array.ElementLength();
      const std::size_t to = std::min(ExpectCount(info, 2, "to"), length);
      const std::size_t from = std::min(ExpectCount(info, 1, "from"), to);
      if (from == to) return Napi::Number::New(info.Env(), -1);
      const std::size_t bad = from + FirstNonFinite(array.Data() + from, to - from);
      return Napi::Number::New(info.Env(), bad == to ? -1.0 : static_cast<double>(bad));
    });
  }

  Napi::Value SimdLevel(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(),
                   [&]() -> Napi::Value { return Napi::String::New(info.Env(), hnswkit::active_kernels().name); });
  }

  // takeSimdWarning(): the engine's hnswkit::simd_warning() (a HNSWKIT_SIMD value it could not honour) to the first
  // caller in the process, undefined to every other and whenever there is none, so lib/ reports it once however
  // many worker threads load the addon.
  Napi::Value TakeSimdWarning(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), [&]() -> Napi::Value {
      static std::atomic<bool> taken{false};
      const char* warning = hnswkit::simd_warning();
      if (*warning == '\0' || taken.exchange(true)) return info.Env().Undefined();
      return Napi::String::New(info.Env(), warning);
    });
  }
};

}  // namespace binding

// The macro pastes the class name into an identifier, so it takes an unqualified name.
using binding::Addon;
NODE_API_ADDON(Addon)
