// Range search, one query and many: every element within a radius, so results of any length.
//
// A k-nn search knows its result's size before it runs, and lib/ makes the arrays in JS (where a failed allocation
// is a RangeError rather than a fatal error of the runtime). A range search learns it only at the end, so its
// results are made here, in memory the C++ side allocates (a failure is std::bad_alloc, which the dispatcher turns
// into ERR_OUT_OF_MEMORY), and handed to JS without a copy where the runtime allows (OwnedArray). One query writes
// its hits into lib's reused hit buffer when they fit, as searchKnn does.
//
// Derived (the wrap class) supplies RangeOne(engine, query, radius, max_results, filter, ef) -> hits.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "batch.h"
#include "errors.h"
#include "index/label_set.h"
#include "index/search_types.h"
#include "jobs.h"
#include "util/error.h"
#include "util/parallel_for.h"

namespace binding {

// A range search's one filter: absent (undefined), or { allow } / { deny } as batch.h's ParseFilterSpec reads it.
inline std::optional<FilterSpec> ParseLabelSetSpec(Napi::Env env, Napi::Value value) {
  if (value.IsEmpty() || value.IsUndefined()) return std::nullopt;
  return ParseFilterSpec(env, value, "filter");
}

// The LabelSet of a parsed filter, made by whoever searches, off the JS thread (sorting can take a while).
inline std::unique_ptr<hnswkit::LabelSet> MakeLabelSet(std::optional<FilterSpec>& spec) {
  if (!spec) return nullptr;
  return std::make_unique<hnswkit::LabelSet>(std::move(spec->labels), spec->mode);
}

// The radius: any number but NaN (lib requires a finite one; an l2 distance is never negative, so a negative radius
// simply finds nothing). Beyond the float32 range it rounds to an infinity, which holds everything or nothing.
inline float ExpectRadius(Napi::Env env, Napi::Value value) {
  if (!value.IsNumber()) ThrowTypeError(env, "radius", "a number");
  const double radius = value.As<Napi::Number>().DoubleValue();
  if (radius != radius) throw Napi::RangeError::New(env, "Expected `radius` to be a number but received NaN");
  return static_cast<float>(radius);
}

// A typed array over `values`, which it takes: a Buffer that owns them where the runtime allows external memory, a
// copy where it does not, viewed as T (a copy's buffer is a fresh allocation of its own, at offset 0).
template <typename T>
Napi::TypedArrayOf<T> OwnedArray(Napi::Env env, std::vector<T> values) {
  const std::size_t n = values.size();
  if (n == 0) return Napi::TypedArrayOf<T>::New(env, 0);
  auto owned = std::make_unique<std::vector<T>>(std::move(values));
  Napi::Buffer<std::uint8_t> buffer = Napi::Buffer<std::uint8_t>::NewOrCopy(
      env, reinterpret_cast<std::uint8_t*>(owned->data()), n * sizeof(T),
      [](Napi::Env, std::uint8_t*, std::vector<T>* held) { delete held; }, owned.get());
  owned.release();  // the Buffer owns (or has already freed) them now, as in BytesToBuffer
  if (buffer.ByteOffset() % alignof(T) != 0) {
    Napi::TypedArrayOf<T> copy = Napi::TypedArrayOf<T>::New(env, n);
    std::memcpy(copy.Data(), buffer.Data(), n * sizeof(T));
    return copy;
  }
  return Napi::TypedArrayOf<T>::New(env, n, buffer.ArrayBuffer(), buffer.ByteOffset());
}

// One searchRangeBatch call: the queries (as SearchBatch holds them), the settings, and what the rows found.
struct RangeBatch {
  std::size_t dim = 0;
  std::size_t rows = 0;
  float radius = 0;
  std::size_t max_results = 0;  // 0: no limit
  std::size_t ef = 0;           // 0 until resolved against the engine
  std::size_t threads = 1;
  TeardownWatch* watch = nullptr;
  const float* queries = nullptr;
  bool callers_memory = false;
  std::vector<float> copy;
  Napi::Reference<Napi::Float32Array> queries_pin;
  std::optional<FilterSpec> filter;
  std::vector<hnswkit::SearchHits> hits;  // per row, closest first
  // Flattened once the rows are done: row i's hits are [offsets[i], offsets[i + 1]).
  std::vector<std::uint32_t> offsets;
  std::vector<double> labels;
  std::vector<float> distances;
};

// searchRangeBatch(queries: Float32Array, radius, options: { numThreads, maxResults?, ef?, filter?, owned? }).
inline std::unique_ptr<RangeBatch> ParseRangeBatch(const Napi::CallbackInfo& info, std::size_t dim, bool copy) {
  Napi::Env env = info.Env();
  auto batch = std::make_unique<RangeBatch>();
  Napi::Float32Array queries;
  batch->dim = dim;
  batch->rows = ExpectRows(info, 0, "queries", dim, &queries);
  batch->radius = ExpectRadius(env, info[1]);
  Napi::Object options = ExpectObject(info, 2, "options");
  batch->threads = ThreadsOption(options);
  batch->max_results = CountProperty(options, "maxResults", 0, 0);
  batch->ef = CountProperty(options, "ef", 0, 0);
  batch->filter = ParseLabelSetSpec(env, OptionalProperty(options, "filter"));
  batch->queries = RowsOf(queries, copy, BoolProperty(options, "owned", false), &batch->copy, &batch->queries_pin);
  batch->callers_memory = !copy;
  return batch;
}

// The row loop both forms run, then the flat arrays. Offsets are 32-bit (lib's Uint32Array), which bounds a batch
// to 2^32 - 1 hits: 48 GB of results.
template <typename Derived, typename Engine>
void RangeRows(const Engine& engine, RangeBatch& batch) {
  const std::unique_ptr<hnswkit::LabelSet> filter = MakeLabelSet(batch.filter);
  const std::atomic<bool>* stop = batch.watch != nullptr ? &batch.watch->stopping_flag() : nullptr;
  std::vector<std::vector<float>> scratch = ScratchRows(batch.threads, batch.rows);
  batch.hits.assign(batch.rows, {});
  hnswkit::parallel_for(
      batch.rows, batch.threads,
      [&](std::size_t row, std::size_t thread) {
        if (batch.watch != nullptr) batch.watch->Ping();
        const float* query = CheckedRow(batch.queries, row, batch.dim, batch.callers_memory, scratch[thread],
                                        "queries");
        batch.hits[row] = Derived::RangeOne(engine, query, batch.radius, batch.max_results, filter.get(), batch.ef);
      },
      stop, nullptr, SearchChunk(batch.rows, batch.threads));
  if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
    throw hnswkit::Error(hnswkit::ErrorCode::kCancelled, "searchRangeBatch was stopped: the environment is exiting");
  }
  std::size_t total = 0;
  for (const hnswkit::SearchHits& hits : batch.hits) total += hits.size();
  if (total > std::numeric_limits<std::uint32_t>::max()) {
    throw hnswkit::Error(hnswkit::ErrorCode::kOutOfMemory,
                         "searchRangeBatch found " + std::to_string(total) +
                             " hits, more than one result holds (4294967295): lower the radius or set maxResults");
  }
  batch.offsets.resize(batch.rows + 1);
  batch.labels.resize(total);
  batch.distances.resize(total);
  std::size_t at = 0;
  for (std::size_t row = 0; row < batch.rows; ++row) {
    batch.offsets[row] = static_cast<std::uint32_t>(at);
    for (const hnswkit::Neighbor& hit : batch.hits[row]) {
      batch.labels[at] = static_cast<double>(hit.label);
      batch.distances[at] = hit.distance;
      ++at;
    }
    hnswkit::SearchHits().swap(batch.hits[row]);
  }
  batch.offsets[batch.rows] = static_cast<std::uint32_t>(at);
}

// { count, offsets, labels, distances }, the arrays taken from the batch.
inline Napi::Object RangeResultToJs(Napi::Env env, RangeBatch& batch) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("count", Napi::Number::New(env, static_cast<double>(batch.rows)));
  result.Set("offsets", OwnedArray(env, std::move(batch.offsets)));
  result.Set("labels", OwnedArray(env, std::move(batch.labels)));
  result.Set("distances", OwnedArray(env, std::move(batch.distances)));
  return result;
}

// The Promise form: resolves to RangeResultToJs's object.
template <typename Derived, typename Engine>
class RangeJob final : public RowsJob<const Engine, RangeBatch, &RangeRows<Derived, Engine>> {
 public:
  RangeJob(Napi::Env env, std::shared_ptr<JobCount> jobs, std::shared_ptr<const Engine> engine,
           std::unique_ptr<RangeBatch> batch)
      : RangeJob::RowsJob(env, "hnswkit:searchRangeBatch", std::move(jobs), std::move(engine), std::move(batch)) {}

 private:
  // The rows are done, so the batch is the job's alone: its arrays are handed over instead of copied.
  Napi::Value Resolution(Napi::Env env) override {
    return RangeResultToJs(env, const_cast<RangeBatch&>(this->batch()));
  }
};

}  // namespace binding
