// HierarchicalNSW's own methods: building, filling, tuning and searching the graph index.
#include "hnsw_wrap.h"

#include <atomic>
#include <memory>

#include "batch.h"
#include "jobs.h"
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
                                JsMethod<&HnswWrap::Compact, Access::kExclusive>("compact"),
                                JsMethod<&HnswWrap::CompactSync, Access::kExclusive>("compactSync"),
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

// ---- compact --------------------------------------------------------------------------------------------------

namespace {

// One compact or compactSync call: what the copy needs besides the engine, with the names RunReportingProgress
// reads (stop, done, rows).
struct CompactRun {
  std::size_t threads = 1;
  std::size_t rows = 0;  // the live elements when it started: the total onProgress reports
  BatchControl control;  // lib's abort cell and progress count
  TeardownWatch* watch = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};

  std::unique_ptr<hnswkit::HierarchicalNsw> Copy(const hnswkit::HierarchicalNsw& engine) {
    const auto keep_going = [this] {
      if (watch != nullptr) {
        watch->Ping();
        if (watch->stopping()) return false;
      }
      return !control.stop_requested() && !stop.load(std::memory_order_relaxed);
    };
    return engine.compacted(threads, keep_going, [this] {
      control.count_row();
      done.fetch_add(1, std::memory_order_relaxed);
    });
  }
};

// (options: { numThreads, control? }) of both forms.
std::unique_ptr<CompactRun> ParseCompact(const Napi::CallbackInfo& info, const hnswkit::HierarchicalNsw& engine) {
  Napi::Object options = ExpectObject(info, 0, "options");
  auto run = std::make_unique<CompactRun>();
  run->threads = ThreadsOption(options);
  run->control = BatchControl(info.Env(), OptionalProperty(options, "control"));
  run->rows = engine.element_count() - engine.deleted_count();
  return run;
}

}  // namespace

void HnswWrap::Install(Slot& slot, const Engine& old, std::unique_ptr<Engine> fresh, Napi::Env env) {
  fresh->set_ef(old.ef());
  fresh->set_auto_grow(old.auto_grow());
  if (!slot.closed) slot.engine = std::move(fresh);
  slot.SyncMemory(env);
}

// Builds the compacted engine on the pool while searches go on against the old one, and swaps it in as it settles.
class HnswWrap::CompactJob final : public PromiseJob {
 public:
  CompactJob(Napi::Env env, std::shared_ptr<Slot> slot, std::shared_ptr<const Engine> engine,
             std::unique_ptr<CompactRun> run)
      : PromiseJob(env, "hnswkit:compact", slot, JobKind::kCompacts),
        slot_(std::move(slot)),
        engine_(std::move(engine)),
        run_(std::move(run)),
        watch_(env) {
    run_->watch = &watch_;
  }

 private:
  void Run() override {
    TeardownWatch::Rows rows(watch_);
    fresh_ = run_->Copy(*engine_);
  }
  Napi::Value Resolution(Napi::Env env) override {
    Install(*slot_, *engine_, std::move(fresh_), env);
    return env.Undefined();
  }

  std::shared_ptr<Slot> slot_;
  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<CompactRun> run_;
  TeardownWatch watch_;
  std::unique_ptr<Engine> fresh_;
};

// compact({ numThreads, control? }): see CompactJob.
Napi::Value HnswWrap::Compact(const Napi::CallbackInfo& info) {
  std::shared_ptr<Engine> engine = RequireEngine(info.Env());
  RequireWritable(info.Env(), "compact");
  std::unique_ptr<CompactRun> run = ParseCompact(info, *engine);
  // With nothing deleted there is nothing to give back: resolved at once, the graph left as it is.
  if (engine->deleted_count() == 0) {
    Napi::Promise::Deferred done = Napi::Promise::Deferred::New(info.Env());
    done.Resolve(info.Env().Undefined());
    return done.Promise();
  }
  return (new CompactJob(info.Env(), slot(), std::move(engine), std::move(run)))->Start();
}

// compactSync({ numThreads, control?, onProgress? }): on this thread, or, with onProgress, on a helper thread while
// this one reports; adds and deletes that onProgress tries meanwhile are refused, as during compact().
Napi::Value HnswWrap::CompactSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Engine> engine = RequireEngine(env);
  RequireWritable(env, "compactSync");
  Napi::Function on_progress = FunctionProperty(ExpectObject(info, 0, "options"), "onProgress");
  std::unique_ptr<CompactRun> run = ParseCompact(info, *engine);
  if (engine->deleted_count() == 0) return env.Undefined();  // as compact()
  std::unique_ptr<Engine> fresh;
  if (on_progress.IsEmpty()) {
    fresh = run->Copy(*engine);
  } else {
    struct Counted {
      JobCount& jobs;
      explicit Counted(JobCount& counted) : jobs(counted) {
        ++jobs.compacting;
        ++jobs.sync_batches;
      }
      ~Counted() {
        --jobs.compacting;
        --jobs.sync_batches;
      }
      Counted(const Counted&) = delete;
      Counted& operator=(const Counted&) = delete;
    } counted(*slot());
    RunReportingProgress(
        env, on_progress, *run, [&] { fresh = run->Copy(*engine); }, "compactSync");
  }
  Install(*slot(), *engine, std::move(fresh), env);
  return env.Undefined();
}

}  // namespace binding
