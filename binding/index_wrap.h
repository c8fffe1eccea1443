// What HierarchicalNSW and BruteforceSearch share: construction, the `this` check, the engine slot and the jobs in
// flight on it, searching with a JS filter, batch insert and search, and saving and loading through each class's
// codec functions.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "args.h"
#include "batch.h"
#include "errors.h"
#include "jobs.h"
#include "js_filter.h"
#include "range.h"
#include "results.h"
#include "space/space.h"

namespace binding {

// What a method may do while async jobs of the same object are in flight
// (docs/design.md, "Concurrency of the public API").
enum class Access {
  kAny,                // reads: always; while a load runs they see the old engine
  kNotWhileReplacing,  // sync mutations and job starts: refused while a load (readIndex, fromBuffer) is in flight
  kExclusive,          // replacing or reallocating the whole index: refused while any job is in flight
  kWrite,              // changes to the elements: as kNotWhileReplacing, and refused by a read-only (mapped) index
  kClose,              // close(): always, even on a closed index
};

// Above this change of an engine's footprint (or down to zero) the slot tells the JS engine: one addPoint at a time
// need not call into V8 on every row.
inline constexpr std::int64_t kMemoryReportStep = 256 * 1024;

// Worded as lib/validate.ts's closedError, which lib throws before it reaches the addon.
inline Napi::Error ClosedError(Napi::Env env) {
  return MakeError(env, {std::string(kErrorPrefix) +
                             "the index was closed (close() or [Symbol.dispose]); create or load a new index object",
                         "ERR_CLOSED"});
}

// Derived supplies, as public statics:
//   kClassName, kTypeTag                      the JS class name and the napi type tag of its instances
//   kReadFile, kReadBuffer, kWriteFile, kWriteBuffer
//                                             its file format's functions in io/index_io.h
//   ElementCount(engine), and the row operations batch.h and range.h name (AddOne, SearchOne, RangeOne,
//   ReusableSlots, CurrentEf)
//   and, if its engines can be read-only, ReadOnly(engine) to shadow the default below
// and, if its loads take arguments after the path or bytes, LoadOptions (a tuple of the readers' arguments after
// the space) and ParseLoadOptions(info, first) to shadow the defaults below; and the methods SharedMethods lists
// by Derived's name, InitIndex, AddPoint and SearchKnn (Derived befriends IndexWrap for them).
template <typename Derived, typename EngineType>
class IndexWrap : public Napi::ObjectWrap<Derived> {
 public:
  using Engine = EngineType;

  using LoadOptions = std::tuple<>;
  static LoadOptions ParseLoadOptions(const Napi::CallbackInfo&, std::size_t) { return {}; }
  static bool ReadOnly(const Engine&) { return false; }

  explicit IndexWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<Derived>(info),
        space_(SpaceFromArgs(info, &precision_given_)),
        slot_(std::make_shared<Slot>()) {
    // Tagged last: a tagged object is always a fully constructed wrapper.
    info.This().As<Napi::Object>().TypeTag(&Derived::kTypeTag);
  }

  // The finalizer (the object was collected, or its environment is going): V8 stops counting the engine's memory,
  // which jobs still in flight may hold a little longer.
  ~IndexWrap() override { slot_->StopReporting(this->Env()); }

  IndexWrap(const IndexWrap&) = delete;
  IndexWrap& operator=(const IndexWrap&) = delete;

 protected:
  using Property = Napi::ClassPropertyDescriptor<Derived>;

  // The engine object the wrapper serves now, and the jobs in flight on this object. Jobs hold the slot rather than
  // the wrapper, so the swap a load makes on completion, and the count every job keeps, stay safe even if the
  // wrapper was finalized first (worker shutdown runs finalizers eagerly).
  //
  // The slot also tells V8 how much native memory its engine holds (napi_adjust_external_memory), so that dropping
  // index objects makes V8 collect them: V8 cannot see that memory itself, and would otherwise let thousands of
  // small JS objects pin gigabytes. And it carries close(): a closed slot lets its engine go as soon as no job is in
  // flight (a job holds its own reference, so it finishes and settles as it would have).
  struct Slot : JobCount {
    std::shared_ptr<Engine> engine;
    bool closed = false;
    bool reporting = true;      // false once the wrapper was finalized: nothing is reported after that
    std::int64_t reported = 0;  // bytes V8 was told of

    // JS thread: brings V8's count in line with the engine's footprint_bytes (0 without an engine).
    void SyncMemory(Napi::Env env) {
      if (!reporting) return;
      const std::int64_t now = engine ? static_cast<std::int64_t>(engine->footprint_bytes()) : 0;
      const std::int64_t change = now - reported;
      if (change == 0 || (now != 0 && change < kMemoryReportStep && change > -kMemoryReportStep)) return;
      std::int64_t total = 0;
      if (napi_adjust_external_memory(env, change, &total) == napi_ok) reported = now;
    }

    void StopReporting(Napi::Env env) {
      if (reporting && reported != 0) {
        std::int64_t total = 0;
        napi_adjust_external_memory(env, -reported, &total);
      }
      reporting = false;
      reported = 0;
    }

    // JS thread: a closed slot drops its engine once no job needs it any more.
    void ReleaseIfClosed(Napi::Env env) {
      if (closed && running == 0) engine.reset();
      SyncMemory(env);
    }

    void Settled(Napi::Env env) override { ReleaseIfClosed(env); }
  };

  // A prototype method behind a raw N-API callback that first proves `this` is an instance of Derived, then checks
  // `access` against the jobs in flight. `public_name` (default: `name`) is the lib/ method the busy message names
  // where the two differ (the native sync toBuffer is lib's toBufferSync). V8 already rejects most foreign receivers
  // (napi_define_class gives methods a signature), but node-addon-api's own InstanceMethod would unwrap whatever
  // `this` reached it; the type tag is the check this code owns.
  template <auto Method, Access access = Access::kAny>
  static Property JsMethod(const char* name, const char* public_name = nullptr) {
    return Property(napi_property_descriptor{name, nullptr, &Dispatch<Method, access>, nullptr, nullptr, nullptr,
                                             napi_default_method,
                                             const_cast<char*>(public_name != nullptr ? public_name : name)});
  }

  // The methods both classes have, with identical arguments, with Derived's LoadOptions, or (the first three) with
  // Derived's own implementation; each with the one access rule it has in either class.
  static std::vector<Property> SharedMethods() {
    return {
        JsMethod<&Derived::InitIndex, Access::kExclusive>("initIndex"),
        JsMethod<&Derived::AddPoint, Access::kWrite>("addPoint"),
        JsMethod<&Derived::SearchKnn>("searchKnn"),
        JsMethod<&IndexWrap::IsInitialized>("isInitialized"),
        JsMethod<&IndexWrap::GetPrecision>("getPrecision"),
        JsMethod<&IndexWrap::GetPoint>("getPoint"),
        JsMethod<&IndexWrap::GetIdsList>("getIdsList"),
        JsMethod<&IndexWrap::GetLabels>("getLabels"),
        JsMethod<&IndexWrap::GetPoints>("getPoints"),
        JsMethod<&IndexWrap::GetMaxElements>("getMaxElements"),
        JsMethod<&IndexWrap::GetCurrentCount>("getCurrentCount"),
        JsMethod<&IndexWrap::ReserveLabels, Access::kWrite>("reserveLabels", "addItems"),
        JsMethod<&IndexWrap::ReadIndexSync, Access::kExclusive>("readIndexSync"),
        JsMethod<&IndexWrap::ReadIndex, Access::kExclusive>("readIndex"),
        JsMethod<&IndexWrap::WriteIndexSync>("writeIndexSync"),
        JsMethod<&IndexWrap::WriteIndex, Access::kNotWhileReplacing>("writeIndex"),
        JsMethod<&IndexWrap::ToBuffer>("toBuffer", "toBufferSync"),
        JsMethod<&IndexWrap::ToBufferAsync, Access::kNotWhileReplacing>("toBufferAsync", "toBuffer"),
        JsMethod<&IndexWrap::FromBuffer, Access::kExclusive>("fromBuffer", "fromBufferSync"),
        JsMethod<&IndexWrap::FromBufferAsync, Access::kExclusive>("fromBufferAsync", "fromBuffer"),
        JsMethod<&IndexWrap::AddItems, Access::kWrite>("addItems"),
        JsMethod<&IndexWrap::AddItemsSync, Access::kWrite>("addItemsSync"),
        JsMethod<&IndexWrap::SearchKnnBatch, Access::kNotWhileReplacing>("searchKnnBatch"),
        JsMethod<&IndexWrap::SearchKnnBatchSync>("searchKnnBatchSync"),
        JsMethod<&IndexWrap::HoldJob, Access::kWrite>("holdAddItems", "addItems"),
        JsMethod<&IndexWrap::HoldJob, Access::kNotWhileReplacing>("holdSearchKnnBatch", "searchKnnBatch"),
        JsMethod<&IndexWrap::SearchRange>("searchRange"),
        JsMethod<&IndexWrap::SearchRangeBatch, Access::kNotWhileReplacing>("searchRangeBatch"),
        JsMethod<&IndexWrap::SearchRangeBatchSync>("searchRangeBatchSync"),
        JsMethod<&IndexWrap::HoldJob, Access::kNotWhileReplacing>("holdSearchRangeBatch", "searchRangeBatch"),
        JsMethod<&IndexWrap::ReleaseJob>("releaseJob"),
        JsMethod<&IndexWrap::Close, Access::kClose>("close"),
    };
  }

  static Napi::Function DefineJsClass(Napi::Env env, const std::vector<Property>& own) {
    std::vector<Property> properties = SharedMethods();
    properties.insert(properties.end(), own.begin(), own.end());
    return Napi::ObjectWrap<Derived>::DefineClass(env, Derived::kClassName, properties);
  }

  const hnswkit::Space& space() const { return space_; }
  void set_engine(std::shared_ptr<Engine> engine) { slot_->engine = std::move(engine); }
  // For a job of Derived's own that swaps in a new engine when it settles (compact).
  const std::shared_ptr<Slot>& slot() const { return slot_; }

  // A counted reference, so the engine outlives this call even if a JS filter replaces it meanwhile.
  std::shared_ptr<Engine> RequireEngine(Napi::Env env) const {
    if (!slot_->engine) throw NotInitializedError(env);
    return slot_->engine;
  }

  // Refuses `method` on a read-only (mapped) engine; kWrite methods get it from the dispatcher.
  void RequireWritable(Napi::Env env, const char* method) const {
    if (slot_->engine && Derived::ReadOnly(*slot_->engine)) {
      throw MakeError(env, {std::string(kErrorPrefix) + "cannot " + method +
                                ": the index is read-only (opened with mmap); load it without mmap to change it",
                            "ERR_READ_ONLY"});
    }
  }

  // Statuses of SearchInto below zero, each with its detail in out[0]; lib/single-search.ts turns them into
  // hnswlib-node's errors, so the JS layer needs no extra native call per query to check.
  static constexpr double kNonFiniteElement = -1;  // out[0]: the index of the first NaN or infinite element
  static constexpr double kAboveMaxElements = -2;  // out[0]: maxElements, which k exceeds

  // One query, as searchKnn: checks the query's elements and k against the engine's capacity, runs
  // search(query, filter) with the JS filter (if any) adapted, and writes the n hits to out: distances in
  // out[0, n), labels in out[n, 2n), closest first. Returns n or a status.
  template <typename SearchFn>
  Napi::Value SearchInto(Napi::Env env, Napi::Float32Array query, std::size_t k, std::size_t max_elements,
                         Napi::Function filter, Napi::Float64Array out, SearchFn&& search) {
    const std::size_t bad = FirstNonFinite(query.Data(), query.ElementLength());
    if (bad != query.ElementLength()) return Status(env, out, kNonFiniteElement, static_cast<double>(bad));
    if (k > max_elements) return Status(env, out, kAboveMaxElements, static_cast<double>(max_elements));
    const hnswkit::SearchHits hits = SearchFiltered(env, query, filter, search);
    HitsToBuffer(hits, out.Data());
    return Napi::Number::New(env, static_cast<double>(hits.size()));
  }

  // search(query, filter) with the JS filter (if any) adapted.
  template <typename SearchFn>
  hnswkit::SearchHits SearchFiltered(Napi::Env env, Napi::Float32Array query, Napi::Function filter,
                                     SearchFn&& search) {
    hnswkit::SearchHits hits;
    if (filter.IsEmpty()) {
      hits = search(query.Data(), nullptr);
    } else {
      // The filter runs JS, which could detach or rewrite the query's buffer while the engine still reads it.
      const std::vector<float> pinned(query.Data(), query.Data() + query.ElementLength());
      JsLabelFilter js_filter(env, filter);
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
    }
    return hits;
  }

 private:
  static Napi::Value Status(Napi::Env env, Napi::Float64Array out, double status, double detail) {
    out.Data()[0] = detail;
    return Napi::Number::New(env, status);
  }

  using MethodPointer = Napi::Value (Derived::*)(const Napi::CallbackInfo&);

  // One instance per method, as napi_define_class needs a plain function for each; everything else is Call's, written
  // once per class: a copy of it in every method's trampoline cost about a third of the binding's code.
  template <auto Method, Access access>
  static napi_value Dispatch(napi_env env, napi_callback_info raw_info) {
    return Call(env, raw_info, access, Method);
  }

  // Does what node-addon-api's callback wrappers do (a Napi::Error becomes the pending JS exception), after the
  // `this` and access checks and with every other C++ exception translated by Guarded.
#if defined(__GNUC__)
  __attribute__((noinline))
#endif
  static napi_value
  Call(napi_env env, napi_callback_info raw_info, Access access, MethodPointer method) {
    try {
      Napi::CallbackInfo info(env, raw_info);
      Derived* self = FromThis(info);
      // While a JS filter runs, the engine is inside a search holding its locks; a call back into the same index
      // could wait on them forever (resize, load) or take them recursively, so every method refuses.
      if (self->filters_running_ > 0) {
        throw BusyError(info.Env(), "an index cannot be used from inside its own searchKnn filter");
      }
      self->CheckAccess(info.Env(), access, static_cast<const char*>(info.Data()));
      napi_value result = Guarded(info.Env(), [&] { return (self->*method)(info); });
      // Whatever may add, remove or replace elements; reads never change the footprint.
      if (access != Access::kAny && access != Access::kClose) self->slot_->SyncMemory(info.Env());
      return result;
    } catch (const JsException& e) {
      // Thrown as it came, without touching it (see JsException).
      napi_throw(env, e.value);
    } catch (const Napi::Error& e) {
      e.ThrowAsJavaScriptException();
    } catch (...) {
      // Only reached if building the JS error itself failed (out of memory); the raw call allocates nothing more.
      napi_throw_error(env, "ERR_OUT_OF_MEMORY", "Hnswlib Error: not enough memory");
    }
    return nullptr;
  }

  // The one place where the jobs in flight decide whether `method` may run now.
  void CheckAccess(Napi::Env env, Access access, const char* method) const {
    const JobCount& jobs = *slot_;
    // lib refuses every public method of a closed index itself, and closes the addon's object only once its Promise
    // methods that make several native calls (addItems, searchKnnBatch) have settled.
    if (slot_->closed && access != Access::kClose) throw ClosedError(env);
    if (access == Access::kExclusive && jobs.sync_batches > 0) {
      // The caller is an onProgress of addItemsSync or compactSync on this index: its rows are still running.
      throw BusyError(env, std::string("cannot ") + method + " while " +
                               (jobs.compacting > 0 ? "compactSync" : "addItemsSync") + " is running on this index");
    }
    if (access == Access::kWrite && jobs.compacting > 0) {
      throw BusyError(env,
                      std::string("cannot ") + method + " while compact() is running on this index; await it first");
    }
    if ((access == Access::kExclusive && jobs.running > 0) ||
        ((access == Access::kNotWhileReplacing || access == Access::kWrite) && jobs.replacing > 0)) {
      throw BusyError(env, std::string("cannot ") + method + " while " + std::to_string(jobs.running) +
                               " asynchronous operations are running on this index; await them first");
    }
    if (access == Access::kWrite) RequireWritable(env, method);
  }

  static Derived* FromThis(const Napi::CallbackInfo& info) {
    Napi::Value self = info.This();
    if (self.IsObject() && self.As<Napi::Object>().CheckTypeTag(&Derived::kTypeTag)) {
      Derived* wrapper = Napi::ObjectWrap<Derived>::Unwrap(self.As<Napi::Object>());
      if (wrapper != nullptr) return wrapper;
    }
    throw Napi::TypeError::New(info.Env(), std::string("Illegal invocation: `this` is not a ") + Derived::kClassName);
  }

  // (space, numDimensions, precision?): the space initIndex builds, and whether loads convert to its precision.
  static hnswkit::Space SpaceFromArgs(const Napi::CallbackInfo& info, bool* precision_given) {
    return Guarded(info.Env(), [&] {
      const hnswkit::Metric metric = ExpectMetric(info, 0, "space");
      const std::size_t dim = ExpectCount(info, 1, "numDimensions", 1);
      return hnswkit::Space(metric, dim, ExpectOptionalPrecision(info, 2, "precision", precision_given));
    });
  }

  // Derived's readers, with the parsed load options as their trailing arguments. convert: whether the file's vectors
  // become space's precision (the constructor named one) or keep the file's.
  template <typename Options>
  static std::unique_ptr<Engine> ReadFile(const std::string& path, const hnswkit::Space& space, bool convert,
                                          const Options& options) {
    return std::apply([&](auto... rest) { return Derived::kReadFile(path, space, convert, rest...); }, options);
  }
  template <typename Options>
  static std::unique_ptr<Engine> ReadBuffer(const std::uint8_t* data, std::size_t size, const hnswkit::Space& space,
                                            bool convert, const Options& options) {
    return std::apply([&](auto... rest) { return Derived::kReadBuffer(data, size, space, convert, rest...); }, options);
  }

  // Loads a new engine on the pool and installs it on the JS thread, so no method ever sees a half-swapped slot.
  class LoadJob final : public PromiseJob {
   public:
    using Loader = std::function<std::unique_ptr<Engine>()>;

    LoadJob(Napi::Env env, const char* resource_name, std::shared_ptr<Slot> slot, Loader load)
        : PromiseJob(env, resource_name, slot, JobKind::kReplaces), slot_(std::move(slot)), load_(std::move(load)) {}

   private:
    void Run() override { loaded_ = load_(); }
    // A slot closed meanwhile keeps no engine: the loaded one goes when the job does.
    Napi::Value Resolution(Napi::Env env) override {
      if (!slot_->closed) slot_->engine = std::move(loaded_);
      slot_->SyncMemory(env);
      return env.Undefined();
    }

    std::shared_ptr<Slot> slot_;
    Loader load_;
    std::unique_ptr<Engine> loaded_;
  };

  class WriteJob final : public PromiseJob {
   public:
    WriteJob(Napi::Env env, std::shared_ptr<JobCount> jobs, std::shared_ptr<const Engine> engine, std::string path)
        : PromiseJob(env, "hnswkit:writeIndex", std::move(jobs)), engine_(std::move(engine)), path_(std::move(path)) {}

   private:
    void Run() override { Derived::kWriteFile(*engine_, path_); }

    std::shared_ptr<const Engine> engine_;
    std::string path_;
  };

  class ToBufferJob final : public PromiseJob {
   public:
    ToBufferJob(Napi::Env env, std::shared_ptr<JobCount> jobs, std::shared_ptr<const Engine> engine)
        : PromiseJob(env, "hnswkit:toBuffer", std::move(jobs)), engine_(std::move(engine)) {}

   private:
    void Run() override { bytes_ = Derived::kWriteBuffer(*engine_); }
    Napi::Value Resolution(Napi::Env env) override { return BytesToBuffer(env, std::move(bytes_)); }

    std::shared_ptr<const Engine> engine_;
    std::vector<std::uint8_t> bytes_;
  };

  // Counts an addItemsSync that calls back into JS as running, for CheckAccess, until it returns.
  class SyncBatchScope {
   public:
    explicit SyncBatchScope(JobCount& jobs) : jobs_(jobs) { ++jobs_.sync_batches; }
    ~SyncBatchScope() { --jobs_.sync_batches; }
    SyncBatchScope(const SyncBatchScope&) = delete;
    SyncBatchScope& operator=(const SyncBatchScope&) = delete;

   private:
    JobCount& jobs_;
  };

  // A Promise method of lib/ that prepares its input over several event-loop turns counts as a job in flight from
  // the moment it is called (so exclusive methods called meanwhile fail fast) until its native job has started, or,
  // for an addItems run as several native calls, until the last of them has settled.
  Napi::Value HoldJob(const Napi::CallbackInfo& info) {
    ++slot_->running;
    return info.Env().Undefined();
  }

  Napi::Value ReleaseJob(const Napi::CallbackInfo& info) {
    if (slot_->running > 0) --slot_->running;
    slot_->ReleaseIfClosed(info.Env());
    return info.Env().Undefined();
  }

  // close(): the engine goes now, or, with jobs in flight, once the last of them has settled. Closing twice is
  // harmless, as [Symbol.dispose] needs.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    slot_->closed = true;
    slot_->ReleaseIfClosed(info.Env());
    return info.Env().Undefined();
  }

  // The precision of the index in use, or the one initIndex will build.
  Napi::Value GetPrecision(const Napi::CallbackInfo& info) {
    const Engine* engine = slot_->engine.get();
    const hnswkit::Precision precision = engine ? engine->space().precision() : space_.precision();
    return Napi::String::New(info.Env(), hnswkit::precision_name(precision));
  }

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

  // The live labels (an HNSW index leaves its deleted ones out), in insertion order.
  Napi::Value GetLabels(const Napi::CallbackInfo& info) {
    return LabelsToJs(info.Env(), Derived::LiveLabels(*RequireEngine(info.Env())));
  }

  // getPoints(labels: Float64Array, out: Float32Array): the vectors of labels (lib checked them, and allocated out
  // with labels.length * dim floats, where a failed allocation is a RangeError rather than an abort).
  Napi::Value GetPoints(const Napi::CallbackInfo& info) {
    std::shared_ptr<Engine> engine = RequireEngine(info.Env());
    auto labels = ExpectTypedArray<Napi::Float64Array>(info, 0, "labels", napi_float64_array, "a Float64Array");
    auto out = ExpectTypedArray<Napi::Float32Array>(info, 1, "out", napi_float32_array, "a Float32Array");
    const std::size_t n = labels.ElementLength();
    if (out.ElementLength() != n * space_.dim()) {
      throw Napi::RangeError::New(info.Env(), "out must hold labels.length * numDimensions floats");
    }
    std::vector<std::uint64_t> words(n);
    for (std::size_t i = 0; i < n; ++i) words[i] = static_cast<std::uint64_t>(labels.Data()[i]);
    engine->get_vectors(words.data(), n, out.Data());
    return info.Env().Undefined();
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

  // reserveLabels(out: Float64Array): fills out with labels reserved for an addItems given none (the engine's
  // reserve_default_labels). lib allocates out, where a failed allocation is a RangeError rather than an abort.
  Napi::Value ReserveLabels(const Napi::CallbackInfo& info) {
    std::shared_ptr<Engine> engine = RequireEngine(info.Env());
    auto out = ExpectTypedArray<Napi::Float64Array>(info, 0, "out", napi_float64_array, "a Float64Array");
    // Reserved straight into out's memory as u64 words and widened to doubles in place (same size, same alignment):
    // a million labels would otherwise cost a fresh 8 MB buffer, whose first touches alone stall the event loop
    // for tens of milliseconds.
    double* values = out.Data();
    auto* words = reinterpret_cast<std::uint64_t*>(values);
    static_assert(sizeof(double) == sizeof(std::uint64_t), "labels are widened in place");
    engine->reserve_default_labels(out.ElementLength(), words);
    for (std::size_t i = 0; i < out.ElementLength(); ++i) {
      std::uint64_t word;
      std::memcpy(&word, words + i, sizeof word);
      const double label = static_cast<double>(word);
      std::memcpy(values + i, &label, sizeof label);
    }
    return info.Env().Undefined();
  }

  // On failure the engine throws before anything is assigned, so the previous index stays in place.
  Napi::Value ReadIndexSync(const Napi::CallbackInfo& info) {
    const std::string path = ExpectPath(info, 0, "filename");
    const auto options = Derived::ParseLoadOptions(info, 1);
    slot_->engine = ReadFile(path, space_, precision_given_, options);
    return info.Env().Undefined();
  }

  Napi::Value ReadIndex(const Napi::CallbackInfo& info) {
    std::string path = ExpectPath(info, 0, "filename");
    const auto options = Derived::ParseLoadOptions(info, 1);
    auto load = [path = std::move(path), space = space_, convert = precision_given_, options] {
      return ReadFile(path, space, convert, options);
    };
    return (new LoadJob(info.Env(), "hnswkit:readIndex", slot_, std::move(load)))->Start();
  }

  Napi::Value WriteIndexSync(const Napi::CallbackInfo& info) {
    const std::string path = ExpectPath(info, 0, "filename");
    Derived::kWriteFile(*RequireEngine(info.Env()), path);
    return info.Env().Undefined();
  }

  Napi::Value WriteIndex(const Napi::CallbackInfo& info) {
    std::string path = ExpectPath(info, 0, "filename");
    std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
    return (new WriteJob(info.Env(), slot_, std::move(engine), std::move(path)))->Start();
  }

  Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
    return BytesToBuffer(info.Env(), Derived::kWriteBuffer(*RequireEngine(info.Env())));
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
    slot_->engine = ReadBuffer(data, size, space_, precision_given_, options);
    return info.Env().Undefined();
  }

  Napi::Value ToBufferAsync(const Napi::CallbackInfo& info) {
    return (new ToBufferJob(info.Env(), slot_, RequireEngine(info.Env())))->Start();
  }

  // The bytes are copied now: the caller may change or detach them while the job runs.
  Napi::Value FromBufferAsync(const Napi::CallbackInfo& info) {
    Napi::Uint8Array bytes = ExpectBytes(info, 0, "data");
    const auto options = Derived::ParseLoadOptions(info, 1);
    std::vector<std::uint8_t> copy(bytes.Data(), bytes.Data() + bytes.ByteLength());
    auto load = [copy = std::move(copy), space = space_, convert = precision_given_, options] {
      return ReadBuffer(copy.data(), copy.size(), space, convert, options);
    };
    return (new LoadJob(info.Env(), "hnswkit:fromBuffer", slot_, std::move(load)))->Start();
  }

  // addItems(vectors, labels, { numThreads, replaceDeleted?, control? }): the rows run on a pool thread.
  Napi::Value AddItems(const Napi::CallbackInfo& info) {
    std::shared_ptr<Engine> engine = RequireEngine(info.Env());
    std::unique_ptr<AddBatch> batch = ParseAddBatch(info, space_.dim(), /*copy=*/true);
    return (new AddJob<Derived, Engine>(info.Env(), slot_, std::move(engine), std::move(batch)))->Start();
  }

  // addItemsSync(vectors, labels, { ..., onProgress? }): the rows run on this thread, or, with onProgress, on a
  // helper thread while this one reports. A failure carries the labels inserted before it stopped.
  Napi::Value AddItemsSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::shared_ptr<Engine> engine = RequireEngine(env);
    Napi::Function on_progress = FunctionProperty(ExpectObject(info, 2, "options"), "onProgress");
    // onProgress runs JS while rows read the vectors, so they must not be the caller's.
    std::unique_ptr<AddBatch> batch = ParseAddBatch(info, space_.dim(), /*copy=*/!on_progress.IsEmpty());
    try {
      if (on_progress.IsEmpty()) {
        InsertRows<Derived>(*engine, *batch);
      } else {
        SyncBatchScope running(*slot_);
        RunReportingProgress(env, on_progress, *batch, [&] { InsertRows<Derived>(*engine, *batch); });
      }
    } catch (const JsException& e) {
      AnnotateBatchError(env, e.value, *batch);
      throw;
    } catch (Napi::Error& e) {
      // Only the binding's own errors arrive here (what onProgress threw is a JsException), so Value() is safe.
      AnnotateBatchError(env, e.Value(), *batch);
      throw;
    } catch (...) {
      Napi::Error error = MakeError(env, DescribeCurrentException());
      AnnotateBatchError(env, error.Value(), *batch);
      throw error;
    }
    return env.Undefined();
  }

  // searchKnnBatch(queries, k, { numThreads, ef?, filter?, stride, out }) -> Promise<{ k, count, labels, distances,
  // found }>, k being the stride and the arrays those of `out`.
  Napi::Value SearchKnnBatch(const Napi::CallbackInfo& info) {
    std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
    std::unique_ptr<SearchBatch> batch = ParseSearchBatch(info, space_.dim(), /*copy=*/true);
    if (batch->ef == 0) batch->ef = Derived::CurrentEf(*engine);
    return (new SearchJob<Derived, Engine>(info.Env(), slot_, std::move(engine), std::move(batch)))->Start();
  }

  Napi::Value SearchKnnBatchSync(const Napi::CallbackInfo& info) {
    std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
    std::unique_ptr<SearchBatch> batch = ParseSearchBatch(info, space_.dim(), /*copy=*/false);
    if (batch->ef == 0) batch->ef = Derived::CurrentEf(*engine);
    SearchRows<Derived>(*engine, *batch);
    return SearchResultToJs(info.Env(), *batch);
  }

  // searchRange(query: Float32Array, radius, maxResults (0: no limit), filter, ef (0: the index's), out:
  // Float64Array): one query's hits within radius. filter is a function of a label (run on this thread, as
  // searchKnn's), { allow } or { deny } (lib's NativeLabelFilter), or undefined. Returns the hit count n with the
  // hits in out as SearchInto writes them if 2n elements fit there, else a new Float64Array of 2n elements laid
  // out the same way; or SearchInto's status for a non-finite element of query.
  Napi::Value SearchRange(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Float32Array query = ExpectVector(info, 0, "query", space_.dim());
    const float radius = ExpectRadius(env, info[1]);
    const std::size_t max_results = ExpectCount(info, 2, "maxResults");
    Napi::Function filter;
    std::optional<FilterSpec> labels;
    if (info[3].IsFunction()) {
      filter = info[3].As<Napi::Function>();
    } else {
      labels = ParseLabelSetSpec(env, info[3]);
    }
    const std::size_t ef = ExpectCount(info, 4, "ef");
    Napi::Float64Array out = ExpectHitBuffer(info, 5, 0);
    std::shared_ptr<const Engine> engine = RequireEngine(env);
    const std::size_t bad = FirstNonFinite(query.Data(), query.ElementLength());
    if (bad != query.ElementLength()) return Status(env, out, kNonFiniteElement, static_cast<double>(bad));
    const std::unique_ptr<hnswkit::LabelSet> set = MakeLabelSet(labels);
    const hnswkit::SearchHits hits = SearchFiltered(
        env, query, filter, [&](const float* q, const hnswkit::LabelFilter* f) {
          return Derived::RangeOne(*engine, q, radius, max_results, set ? set.get() : f, ef);
        });
    if (2 * hits.size() <= out.ElementLength()) {
      HitsToBuffer(hits, out.Data());
      return Napi::Number::New(env, static_cast<double>(hits.size()));
    }
    std::vector<double> all(2 * hits.size());
    HitsToBuffer(hits, all.data());
    return OwnedArray(env, std::move(all));
  }

  // searchRangeBatch(queries, radius, { numThreads, maxResults?, ef?, filter?, owned? }) -> Promise<{ count,
  // offsets, labels, distances }>: row i's hits are [offsets[i], offsets[i + 1]) of labels and distances.
  Napi::Value SearchRangeBatch(const Napi::CallbackInfo& info) {
    std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
    std::unique_ptr<RangeBatch> batch = ParseRangeBatch(info, space_.dim(), /*copy=*/true);
    if (batch->ef == 0) batch->ef = Derived::CurrentEf(*engine);
    return (new RangeJob<Derived, Engine>(info.Env(), slot_, std::move(engine), std::move(batch)))->Start();
  }

  Napi::Value SearchRangeBatchSync(const Napi::CallbackInfo& info) {
    std::shared_ptr<const Engine> engine = RequireEngine(info.Env());
    std::unique_ptr<RangeBatch> batch = ParseRangeBatch(info, space_.dim(), /*copy=*/false);
    if (batch->ef == 0) batch->ef = Derived::CurrentEf(*engine);
    RangeRows<Derived>(*engine, *batch);
    return RangeResultToJs(info.Env(), *batch);
  }

  // space_'s precision is what initIndex builds; with precision_given_, loads also convert files to it, and without,
  // a loaded index keeps its file's precision.
  bool precision_given_ = false;
  hnswkit::Space space_;
  std::shared_ptr<Slot> slot_;
  int filters_running_ = 0;  // JS-thread only: searches of this wrapper now inside a JS filter
};

}  // namespace binding
