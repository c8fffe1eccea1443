// What HierarchicalNSW and BruteforceSearch share: construction, the `this` check, the engine slot, searching
// with a JS filter, and saving and loading through each class's codec functions.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "errors.h"
#include "jobs.h"
#include "js_filter.h"
#include "results.h"
#include "space/space.h"

namespace binding {

// Derived supplies, as public statics:
//   kClassName, kTypeTag                      the JS class name and the napi type tag of its instances
//   LoadOptions ParseLoadOptions(info, first) the read/fromBuffer arguments after the path or bytes
//   ReadFile(path, space, options), ReadBuffer(data, size, space, options) -> std::unique_ptr<Engine>
//   WriteFile(engine, path), WriteBuffer(engine) -> std::vector<std::uint8_t>, ElementCount(engine)
template <typename Derived, typename Engine>
class IndexWrap : public Napi::ObjectWrap<Derived> {
 public:
  explicit IndexWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<Derived>(info), space_(SpaceFromArgs(info)), slot_(std::make_shared<Slot>()) {
    // Tagged last: a tagged object is always a fully constructed wrapper.
    info.This().As<Napi::Object>().TypeTag(&Derived::kTypeTag);
  }

 protected:
  using Property = Napi::ClassPropertyDescriptor<Derived>;

  // The engine object the wrapper serves now. readIndex's job holds the slot rather than the wrapper, so the swap it
  // makes on completion is safe even if the wrapper was finalized first (worker shutdown runs finalizers eagerly).
  struct Slot {
    std::shared_ptr<Engine> engine;
  };

  // A prototype method behind a raw N-API callback that first proves `this` is an instance of Derived. V8 already
  // rejects most foreign receivers (napi_define_class gives methods a signature), but node-addon-api's own
  // InstanceMethod would unwrap whatever `this` reached it; the type tag is the check this code owns.
  template <auto Method>
  static Property JsMethod(const char* name) {
    return Property(napi_property_descriptor{name, nullptr, &Dispatch<Method>, nullptr, nullptr, nullptr,
                                             napi_default_method, nullptr});
  }

  // The methods both classes have, with identical arguments or with Derived's LoadOptions.
  static std::vector<Property> SharedMethods() {
    return {
        JsMethod<&IndexWrap::IsInitialized>("isInitialized"),
        JsMethod<&IndexWrap::GetPoint>("getPoint"),
        JsMethod<&IndexWrap::GetIdsList>("getIdsList"),
        JsMethod<&IndexWrap::GetMaxElements>("getMaxElements"),
        JsMethod<&IndexWrap::GetCurrentCount>("getCurrentCount"),
        JsMethod<&IndexWrap::ReadIndexSync>("readIndexSync"),
        JsMethod<&IndexWrap::ReadIndex>("readIndex"),
        JsMethod<&IndexWrap::WriteIndexSync>("writeIndexSync"),
        JsMethod<&IndexWrap::WriteIndex>("writeIndex"),
        JsMethod<&IndexWrap::ToBuffer>("toBuffer"),
        JsMethod<&IndexWrap::FromBuffer>("fromBuffer"),
    };
  }

  static Napi::Function DefineJsClass(Napi::Env env, const std::vector<Property>& own) {
    std::vector<Property> properties = SharedMethods();
    properties.insert(properties.end(), own.begin(), own.end());
    return Napi::ObjectWrap<Derived>::DefineClass(env, Derived::kClassName, properties);
  }

  const hnswkit::Space& space() const { return space_; }
  void set_engine(std::shared_ptr<Engine> engine) { slot_->engine = std::move(engine); }

  // A counted reference, so the engine outlives this call even if a JS filter replaces it meanwhile.
  std::shared_ptr<Engine> RequireEngine(Napi::Env env) const {
    if (!slot_->engine) throw NotInitializedError(env);
    return slot_->engine;
  }

  // Runs search(query, filter) with the JS filter (if any) adapted, and returns { distances, neighbors }.
  template <typename SearchFn>
  Napi::Value SearchToJs(Napi::Env env, Napi::Float32Array query, Napi::Function filter, SearchFn&& search) {
    if (filter.IsEmpty()) return HitsToJs(env, search(query.Data(), nullptr));
    // The filter runs JS, which could detach or rewrite the query's buffer while the engine still reads it.
    const std::vector<float> pinned(query.Data(), query.Data() + query.ElementLength());
    JsLabelFilter js_filter(env, filter);
    hnswkit::SearchHits hits;
    ++filters_running_;
    try {
      hits = search(pinned.data(), &js_filter);
    } catch (...) {
      --filters_running_;
      // What the filter threw explains the failure better than whatever it caused downstream.
      js_filter.RethrowIfFailed();
      throw;
    }
    --filters_running_;
    js_filter.RethrowIfFailed();
    return HitsToJs(env, hits);
  }

 private:
  // Does what node-addon-api's callback wrappers do (a Napi::Error becomes the pending JS exception), after the
  // `this` check and with every other C++ exception translated by Guarded.
  template <auto Method>
  static napi_value Dispatch(napi_env env, napi_callback_info raw_info) {
    try {
      Napi::CallbackInfo info(env, raw_info);
      Derived* self = FromThis(info);
      // While a JS filter runs, the engine is inside a search holding its locks; a call back into the same index
      // could wait on them forever (resize, load) or take them recursively, so every method refuses.
      if (self->filters_running_ > 0) {
        throw MakeError(info.Env(), {std::string(kErrorPrefix) +
                                         "an index cannot be used from inside its own searchKnn filter",
                                     "ERR_INDEX_BUSY"});
      }
      return Guarded(info.Env(), [&] { return (self->*Method)(info); });
    } catch (const Napi::Error& e) {
      e.ThrowAsJavaScriptException();
    } catch (...) {
      // Only reached if building the JS error itself failed (out of memory); the raw call allocates nothing more.
      napi_throw_error(env, "ERR_OUT_OF_MEMORY", "Hnswlib Error: not enough memory");
    }
    return nullptr;
  }

  static Derived* FromThis(const Napi::CallbackInfo& info) {
    Napi::Value self = info.This();
    if (self.IsObject() && self.As<Napi::Object>().CheckTypeTag(&Derived::kTypeTag)) {
      Derived* wrapper = Napi::ObjectWrap<Derived>::Unwrap(self.As<Napi::Object>());
      if (wrapper != nullptr) return wrapper;
    }
    throw Napi::TypeError::New(info.Env(), std::string("Illegal invocation: `this` is not a ") + Derived::kClassName);
  }

  static hnswkit::Space SpaceFromArgs(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), [&] {
      const hnswkit::Metric metric = ExpectMetric(info, 0, "space");
      return hnswkit::Space(metric, ExpectCount(info, 1, "numDimensions", 1));
    });
  }

  // Loads a new engine on the pool and installs it on the JS thread, so no method ever sees a half-swapped slot.
  class ReadJob final : public PromiseJob {
   public:
    using Options = typename Derived::LoadOptions;

    ReadJob(Napi::Env env, std::shared_ptr<Slot> slot, std::string path, const hnswkit::Space& space,
            Options options)
        : PromiseJob(env, "hnswkit:readIndex"),
          slot_(std::move(slot)),
          path_(std::move(path)),
          space_(space),
          options_(options) {}

   private:
    void Run() override { loaded_ = Derived::ReadFile(path_, space_, options_); }
    Napi::Value Resolution(Napi::Env env) override {
      slot_->engine = std::move(loaded_);
      return env.Undefined();
    }

    std::shared_ptr<Slot> slot_;
    std::string path_;
    hnswkit::Space space_;
    Options options_;
    std::unique_ptr<Engine> loaded_;
  };

  class WriteJob final : public PromiseJob {
   public:
    WriteJob(Napi::Env env, std::shared_ptr<const Engine> engine, std::string path)
        : PromiseJob(env, "hnswkit:writeIndex"), engine_(std::move(engine)), path_(std::move(path)) {}

   private:
    void Run() override { Derived::WriteFile(*engine_, path_); }

    std::shared_ptr<const Engine> engine_;
    std::string path_;
  };

  Napi::Value IsInitialized(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), slot_->engine != nullptr);
  }

  Napi::Value GetPoint(const Napi::CallbackInfo& info) {
    const std::uint64_t label = ExpectLabel(info, 0);
    return VectorToJs(info.Env(), RequireEngine(info.Env())->get_vector(label));
  }

  Napi::Value GetIdsList(const Napi::CallbackInfo& info) {
    return LabelsToJs(info.Env(), RequireEngine(info.Env())->labels());
  }

  // These two answer 0 before initIndex, as hnswlib-node's do, rather than throwing.
  Napi::Value GetMaxElements(const Napi::CallbackInfo& info) {
    const Engine* engine = slot_->engine.get();
    return Napi::Number::New(info.Env(), engine ? static_cast<double>(engine->max_elements()) : 0.0);
  }

  Napi::Value GetCurrentCount(const Napi::CallbackInfo& info) {
    const Engine* engine = slot_->engine.get();
    return Napi::Number::New(info.Env(), engine ? static_cast<double>(Derived::ElementCount(*engine)) : 0.0);
  }

  // On failure the engine throws before anything is assigned, so the previous index stays in place.
  Napi::Value ReadIndexSync(const Napi::CallbackInfo& info) {
    const std::string path = ExpectPath(info, 0, "filename");
    const auto options = Derived::ParseLoadOptions(info, 1);
    slot_->engine = Derived::ReadFile(path, space_, options);
    return info.Env().Undefined();
  }

  Napi::Value ReadIndex(const Napi::CallbackInfo& info) {
    std::string path = ExpectPath(info, 0, "filename");
    const auto options = Derived::ParseLoadOptions(info, 1);
    return (new ReadJob(info.Env(), slot_, std::move(path), space_, options))->Start();
  }

  Napi::Value WriteIndexSync(const Napi::CallbackInfo& info) {
    const std::string path = ExpectPath(info, 0, "filename");
    Derived::WriteFile(*RequireEngine(info.Env()), path);
    return info.Env().Undefined();
  }

  Napi::Value WriteIndex(const Napi::CallbackInfo& info) {
    std::string path = ExpectPath(info, 0, "filename");
    std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
    return (new WriteJob(info.Env(), std::move(engine), std::move(path)))->Start();
  }

  Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
    return BytesToBuffer(info.Env(), Derived::WriteBuffer(*RequireEngine(info.Env())));
  }

  Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
    Napi::Uint8Array bytes = ExpectBytes(info, 0, "data");
    const auto options = Derived::ParseLoadOptions(info, 1);
    const std::uint8_t* data = bytes.Data();
    const std::size_t size = bytes.ByteLength();
    // Memory shared with other threads may change between the reader's checks and its copies, so it is read from
    // a private snapshot.
    std::vector<std::uint8_t> snapshot;
    if (!bytes.ArrayBuffer().IsArrayBuffer()) {
      snapshot.assign(data, data + size);
      data = snapshot.data();
    }
    slot_->engine = Derived::ReadBuffer(data, size, space_, options);
    return info.Env().Undefined();
  }

  hnswkit::Space space_;
  std::shared_ptr<Slot> slot_;
  int filters_running_ = 0;  // JS-thread only: searches of this wrapper now inside a JS filter
};

}  // namespace binding
