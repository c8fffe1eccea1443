// Batch insert and batch search: many rows on several threads, shared by both index classes and by the Promise and
// Sync form of each method.
//
// Arguments are checked (and, for a job, copied) on the JS thread; the row loops run hnswkit::parallel_for on a
// libuv pool thread (Promise form) or on the calling thread (Sync form), with the threads the caller asked for.
// Each row is checked for non-finite elements as the row loop takes it, on the copy that is inserted or searched.
// Derived (the wrap class) supplies, as public statics:
//   AddOne(engine, vector, label, replace_deleted)      one insert or update
//   SearchOne(engine, query, k, filter, ef) -> hits      one query
//   ExactIds(engine, allowed, width, limit, &ids) -> bool   whether to compare the live elements of an allow-list
//                                                       exactly (their ids into ids) instead of walking the graph
//   SearchAmong(engine, query, k, ids, filter) -> hits  that exact search
//   ReusableSlots(engine) -> size_t                     deleted slots a replaceDeleted insert may take
//   CurrentEf(engine) -> size_t                         the search width to use when the caller gave none (>= 1)
#pragma once

#include <napi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "args.h"
#include "errors.h"
#include "index/label_set.h"
#include "index/search_types.h"
#include "jobs.h"
#include "util/error.h"
#include "util/parallel_for.h"

namespace binding {

// More threads than this never help and make failing to start one likelier; parallel_for also caps at the rows.
inline constexpr std::size_t kMaxBatchThreads = 256;

// How often the Sync form calls onProgress while rows run.
inline constexpr std::chrono::milliseconds kProgressInterval{100};

// Two int64 cells that lib/ shares with the rows as a BigInt64Array: [0] nonzero asks the batch to stop (lib sets
// it with Atomics.store when the AbortSignal fires), [1] counts finished rows (lib polls it with Atomics.load for
// onProgress). Both sides use atomic accesses, because the event loop touches the cells while rows run.
class BatchControl {
 public:
  BatchControl() = default;

  // JS thread. An empty value means no control: nothing can stop the batch and no one counts rows.
  BatchControl(Napi::Env env, Napi::Value value) {
    if (value.IsEmpty()) return;
    auto array = ExpectTypedArrayValue<Napi::BigInt64Array>(env, value, "control", napi_bigint64_array,
                                                            "a BigInt64Array");
    if (array.ElementLength() < 2 || array.Data() == nullptr) {
      throw Napi::RangeError::New(env, "Expected `control` to have at least 2 elements but received " +
                                           std::to_string(array.ElementLength()));
    }
    cells_ = array.Data();
    // The reference keeps the buffer (and so the cells) alive while rows run, even if lib drops it meanwhile.
    pin_ = Napi::Persistent(array);
  }

  bool stop_requested() const { return cells_ != nullptr && Load(&cells_[0]) != 0; }
  void count_row() const {
    if (cells_ != nullptr) Increment(&cells_[1]);
  }

 private:
#if defined(__GNUC__) || defined(__clang__)
  static std::int64_t Load(const std::int64_t* cell) { return __atomic_load_n(cell, __ATOMIC_ACQUIRE); }
  static void Increment(std::int64_t* cell) { __atomic_fetch_add(cell, 1, __ATOMIC_RELAXED); }
#else
  static_assert(sizeof(std::atomic<std::int64_t>) == sizeof(std::int64_t) &&
                    std::atomic<std::int64_t>::is_always_lock_free,
                "an int64 cell must be usable as an atomic in place");
  static std::int64_t Load(const std::int64_t* cell) {
    return reinterpret_cast<const std::atomic<std::int64_t>*>(cell)->load(std::memory_order_acquire);
  }
  static void Increment(std::int64_t* cell) {
    reinterpret_cast<std::atomic<std::int64_t>*>(cell)->fetch_add(1, std::memory_order_relaxed);
  }
#endif

  std::int64_t* cells_ = nullptr;  // element 0 and 1 of the pinned array (its Data() honours byteOffset)
  Napi::Reference<Napi::BigInt64Array> pin_;
};

// Rows are handed out in order; a worker thread needs every row's vector, so a job copies them on the JS thread
// (JS may detach, transfer or rewrite the caller's buffer while the job runs). The Sync form without callbacks
// reads the caller's array in place: nothing else runs on the JS thread until it returns. With `owned`, the array
// is lib/'s private copy, which no JS code outside lib ever sees (so none can detach it): it is pinned and read
// in place, sparing the JS thread a second copy of what may be hundreds of megabytes.
inline const float* RowsOf(Napi::Float32Array array, bool copy, bool owned, std::vector<float>* storage,
                           Napi::Reference<Napi::Float32Array>* pin) {
  if (!copy) return array.Data();
  if (owned) {
    *pin = Napi::Persistent(array);
    return array.Data();
  }
  storage->assign(array.Data(), array.Data() + array.ElementLength());
  return storage->data();
}

// A Float32Array of rows * dim floats; returns the row count.
inline std::size_t ExpectRows(const Napi::CallbackInfo& info, std::size_t i, const char* name, std::size_t dim,
                              Napi::Float32Array* array) {
  *array = ExpectFloat32Array(info, i, name);
  const std::size_t length = array->ElementLength();
  if (length % dim != 0 || (length > 0 && array->Data() == nullptr)) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected `") + name +
                                                "` to have a length that is a multiple of " + std::to_string(dim) +
                                                " but received " + std::to_string(length));
  }
  return length / dim;
}

inline std::size_t ThreadsOption(Napi::Object options) {
  return std::min(CountProperty(options, "numThreads", 1, 1), kMaxBatchThreads);
}

// "NaN", "Infinity" or "-Infinity", as JS prints them.
inline std::string NonFiniteText(float value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

// Row `row` of `rows` as the row loop uses it, checked: every element finite, or a RangeFailure naming the element
// (`vectors[5][3]`). Rows in the caller's memory (`callers_memory`) may be written meanwhile by another thread
// through a SharedArrayBuffer, so such a row is first copied into `scratch`, and the copy is what is checked and
// then inserted or searched; a check of the caller's memory could pass and the engine read a NaN a moment later.
inline const float* CheckedRow(const float* rows, std::size_t row, std::size_t dim, bool callers_memory,
                               std::vector<float>& scratch, const char* name) {
  const float* source = rows + row * dim;
  if (callers_memory) {
    scratch.resize(dim);
    std::memcpy(scratch.data(), source, dim * sizeof(float));
    source = scratch.data();
  }
  const std::size_t bad = FirstNonFinite(source, dim);
  if (bad != dim) {
    throw RangeFailure(std::string("Expected `") + name + "[" + std::to_string(row) + "][" + std::to_string(bad) +
                       "]` to be a finite number but received " + NonFiniteText(source[bad]));
  }
  return source;
}

// One scratch row per thread of a row loop (see CheckedRow); each thread only touches its own.
inline std::vector<std::vector<float>> ScratchRows(std::size_t threads, std::size_t rows) {
  return std::vector<std::vector<float>>(std::max<std::size_t>(1, std::min(threads, rows)));
}

// ---- insert ---------------------------------------------------------------------------------------------------

// One addItems call: inputs, settings and what happened to each row. Not movable (atomics): held by unique_ptr.
struct AddBatch {
  std::size_t dim = 0;
  std::size_t rows = 0;
  const float* vectors = nullptr;  // rows * dim floats: `copy`, or the caller's array (see RowsOf)
  bool callers_memory = false;     // `vectors` is the caller's array, read in place (see CheckedRow)
  std::vector<float> copy;
  Napi::Reference<Napi::Float32Array> vectors_pin;  // lib's owned copy, read in place
  std::vector<std::uint64_t> labels;                // one per row
  // The labels the capacity check counts: `labels`, or, when lib/ runs one batch as several calls (a chunk of rows
  // each), these rows' labels and those of the calls still to come, so a batch too big is refused before any row.
  // They are lib's private array, pinned and read by the job: converting them here would cost the JS thread a pass
  // over every label of the batch (and fresh pages for them) at each call.
  const double* remaining_labels = nullptr;
  std::size_t remaining_count = 0;
  Napi::Reference<Napi::Float64Array> remaining_pin;
  bool replace_deleted = false;
  std::size_t threads = 1;
  BatchControl control;
  std::atomic<bool> stop{false};       // set by the Sync form when its onProgress throws
  TeardownWatch* watch = nullptr;      // the Promise form's: stops the rows if the environment goes away
  std::atomic<std::size_t> done{0};    // finished rows, for the Sync form's onProgress
  std::vector<std::uint8_t> inserted;  // per row: 1 once its label is in the index; read after the loop joined
};

// addItems(vectors: Float32Array, labels: Float64Array,
//          options: { numThreads, replaceDeleted?, control?, owned?, remainingLabels? }).
inline std::unique_ptr<AddBatch> ParseAddBatch(const Napi::CallbackInfo& info, std::size_t dim, bool copy) {
  auto batch = std::make_unique<AddBatch>();
  Napi::Float32Array vectors;
  batch->dim = dim;
  batch->rows = ExpectRows(info, 0, "vectors", dim, &vectors);
  batch->labels = LabelsFromValue(info.Env(), info[1], "labels");
  if (batch->labels.size() != batch->rows) {
    throw Napi::RangeError::New(info.Env(), "Expected `labels` to have " + std::to_string(batch->rows) +
                                                " elements but received " + std::to_string(batch->labels.size()));
  }
  Napi::Object options = ExpectObject(info, 2, "options");
  batch->threads = ThreadsOption(options);
  batch->replace_deleted = BoolProperty(options, "replaceDeleted", false);
  batch->control = BatchControl(info.Env(), OptionalProperty(options, "control"));
  Napi::Value remaining = OptionalProperty(options, "remainingLabels");
  if (!remaining.IsEmpty()) {
    auto array = ExpectTypedArrayValue<Napi::Float64Array>(info.Env(), remaining, "remainingLabels", napi_float64_array,
                                                           "a Float64Array");
    batch->remaining_labels = array.Data();
    batch->remaining_count = array.ElementLength();
    batch->remaining_pin = Napi::Persistent(array);
  }
  batch->vectors = RowsOf(vectors, copy, BoolProperty(options, "owned", false), &batch->copy, &batch->vectors_pin);
  batch->callers_memory = !copy;
  batch->inserted.assign(batch->rows, 0);
  return batch;
}

// Refuses, before any row starts, a batch whose new labels cannot all fit, or, in an index that grows by itself,
// grows it to fit them at once. Jobs running at the same time can still fill the index meanwhile; the row that finds
// it full then fails like any other (or grows it).
template <typename Derived, typename Engine>
void CheckCapacity(Engine& engine, const AddBatch& batch) {
  std::size_t fresh = 0;
  if (batch.remaining_labels != nullptr) {
    for (std::size_t i = 0; i < batch.remaining_count; ++i) {
      const double label = batch.remaining_labels[i];
      if (!(label >= 0 && label <= kMaxSafeInteger && std::trunc(label) == label)) {
        throw RangeFailure("Expected `remainingLabels[" + std::to_string(i) +
                           "]` to be an integer from 0 to 9007199254740991");
      }
      if (!engine.contains(static_cast<std::uint64_t>(label))) ++fresh;
    }
  } else {
    for (std::uint64_t label : batch.labels) {
      if (!engine.contains(label)) ++fresh;
    }
  }
  const std::size_t capacity = engine.max_elements();
  const std::size_t count = Derived::ElementCount(engine);
  std::size_t free_slots = capacity > count ? capacity - count : 0;
  if (batch.replace_deleted) free_slots += Derived::ReusableSlots(engine);
  if (fresh > free_slots && Derived::AutoGrow(engine)) {
    Derived::Grow(engine, capacity + (fresh - free_slots));
  } else if (fresh > free_slots) {
    throw hnswkit::Error(hnswkit::ErrorCode::kIndexFull,
                         "The number of elements exceeds the specified limit (capacity " + std::to_string(capacity) +
                             ", current count " + std::to_string(count) + ", batch adds " + std::to_string(fresh) +
                             " new labels)");
  }
}

// The row loop both forms run: rows in order from a shared cursor; the first failure, or a stop request, keeps
// any further row from starting while rows in progress finish.
template <typename Derived, typename Engine>
void InsertRows(Engine& engine, AddBatch& batch) {
  CheckCapacity<Derived>(engine, batch);
  std::vector<std::vector<float>> scratch = ScratchRows(batch.threads, batch.rows);
  hnswkit::parallel_for(
      batch.rows, batch.threads,
      [&](std::size_t row, std::size_t thread) {
        if (batch.watch != nullptr) {
          batch.watch->Ping();
          if (batch.watch->stopping()) {
            throw hnswkit::Error(hnswkit::ErrorCode::kCancelled, "addItems was stopped: the environment is exiting");
          }
        }
        if (batch.control.stop_requested() || batch.stop.load(std::memory_order_relaxed)) {
          throw hnswkit::Error(hnswkit::ErrorCode::kCancelled, "addItems was aborted");
        }
        const float* vector = CheckedRow(batch.vectors, row, batch.dim, batch.callers_memory, scratch[thread],
                                         "vectors");
        Derived::AddOne(engine, vector, batch.labels[row], batch.replace_deleted);
        batch.inserted[row] = 1;
        batch.control.count_row();
      },
      nullptr, &batch.done);
}

// The labels of this batch that are in the index, in row order: what a failed or aborted batch reports.
inline Napi::Float64Array InsertedLabels(Napi::Env env, const AddBatch& batch) {
  std::size_t n = 0;
  for (std::uint8_t flag : batch.inserted) n += flag;
  Napi::Float64Array array = Napi::Float64Array::New(env, n);
  std::size_t next = 0;
  for (std::size_t row = 0; row < batch.rows; ++row) {
    if (batch.inserted[row]) array[next++] = static_cast<double>(batch.labels[row]);
  }
  return array;
}

// Attaches insertedLabels to what a batch threw, if it is an object (JS may throw primitives from onProgress). This
// only adds to the error: if the property cannot be set (a frozen object, a Proxy whose `set` trap throws, no
// memory for the labels), the error goes on without it, and whatever setting it threw is dropped.
inline void AnnotateBatchError(Napi::Env env, napi_value error, const AddBatch& batch) {
  napi_valuetype type = napi_undefined;
  if (napi_typeof(env, error, &type) != napi_ok || (type != napi_object && type != napi_function)) return;
  try {
    Napi::Float64Array labels = InsertedLabels(env, batch);
    if (napi_set_named_property(env, error, "insertedLabels", labels) != napi_ok) {
      napi_value dropped = nullptr;
      TakePendingException(env, &dropped);
    }
  } catch (const Napi::Error&) {
    // node-addon-api took the allocation failure off the environment when it made this exception.
  }
}

// Runs `rows` (the row loop) on a helper thread while this, the JS thread, calls onProgress(done, total) about
// every kProgressInterval, only with a new count between 0 and the total (both excluded). If onProgress throws, no
// further row starts and what it threw is thrown again, as a JsException, once the rows in progress have finished;
// otherwise the loop's own failure is.
// `batch` is an AddBatch or anything else with its `stop`, `done` and `rows`; `method` names the call in the error of
// an environment that is exiting.
template <typename Batch, typename Rows>
void RunReportingProgress(Napi::Env env, Napi::Function on_progress, Batch& batch, Rows&& rows,
                          const char* method = "addItemsSync") {
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::exception_ptr failure;
  std::thread runner([&] {
    try {
      rows();
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    finished_cv.notify_one();
  });
  // Whatever leaves this scope, the runner is stopped and joined first: it uses this frame's variables.
  struct Joiner {
    std::thread& thread;
    Batch& batch;
    ~Joiner() {
      batch.stop.store(true, std::memory_order_relaxed);
      thread.join();
    }
  } joiner{runner, batch};

  std::optional<JsException> callback_error;
  std::exception_ptr call_failure;  // the call itself could not be made (no memory for its arguments)
  std::size_t reported = 0;         // only counts that moved are reported; 0 (rows not started yet) never is
  std::unique_lock<std::mutex> lock(mutex);
  while (!finished_cv.wait_for(lock, kProgressInterval, [&] { return finished; })) {
    const std::size_t done = batch.done.load(std::memory_order_relaxed);
    if (callback_error || call_failure || done >= batch.rows || done == reported) continue;
    reported = done;
    lock.unlock();
    try {
      // What onProgress throws is escaped into the method's scope, to be thrown again after the join.
      Napi::EscapableHandleScope scope(env);
      napi_value arguments[] = {Napi::Number::New(env, static_cast<double>(done)),
                                Napi::Number::New(env, static_cast<double>(batch.rows))};
      napi_value ignored = nullptr;
      // The raw call, not Function::Call: that wraps what JS threw in a Napi::Error (see JsException).
      if (napi_call_function(env, env.Undefined(), on_progress, 2, arguments, &ignored) != napi_ok) {
        napi_value thrown = nullptr;
        if (TakePendingException(env, &thrown)) {
          callback_error = JsException{scope.Escape(thrown)};
        } else {
          throw hnswkit::Error(hnswkit::ErrorCode::kCancelled,
                               std::string(method) + " was stopped: the environment is exiting");
        }
        batch.stop.store(true, std::memory_order_relaxed);
      }
    } catch (...) {
      call_failure = std::current_exception();
      batch.stop.store(true, std::memory_order_relaxed);
    }
    lock.lock();
  }
  lock.unlock();
  if (callback_error) throw *callback_error;
  if (call_failure) std::rethrow_exception(call_failure);
  if (failure) std::rethrow_exception(failure);
}

// ---- search ---------------------------------------------------------------------------------------------------

// One filter of a batch search, as lib gave it.
struct FilterSpec {
  hnswkit::LabelSet::Mode mode = hnswkit::LabelSet::Mode::kAllow;
  std::vector<std::uint64_t> labels;
};

// A filter ready for the rows: its LabelSet, and for an allow-list short enough the ids of its live elements, which
// the query is compared with one by one instead of walking the graph (see HierarchicalNsw::search_among).
struct PreparedFilter {
  std::unique_ptr<hnswkit::LabelSet> set;
  bool exact = false;
  std::vector<std::uint32_t> ids;
};

template <typename Derived, typename Engine>
PreparedFilter PrepareFilter(const Engine& engine, FilterSpec spec, std::size_t width,
                             std::optional<std::size_t> limit) {
  PreparedFilter prepared;
  if (spec.mode == hnswkit::LabelSet::Mode::kAllow) {
    prepared.exact = Derived::ExactIds(engine, spec.labels, width, limit, &prepared.ids);
  }
  prepared.set = std::make_unique<hnswkit::LabelSet>(std::move(spec.labels), spec.mode);
  return prepared;
}

template <typename Derived, typename Engine>
hnswkit::SearchHits SearchPrepared(const Engine& engine, const float* query, std::size_t k,
                                   const PreparedFilter* filter, std::size_t ef) {
  if (filter == nullptr) return Derived::SearchOne(engine, query, k, nullptr, ef);
  if (filter->exact) return Derived::SearchAmong(engine, query, k, filter->ids, filter->set.get());
  return Derived::SearchOne(engine, query, k, filter->set.get(), ef);
}

// One searchKnnBatch call. The result arrays come from lib/, which made them in JS (where a failed allocation is a
// RangeError, not a fatal error of the runtime) and never hands them out before the call returns; they are written
// in place, and their references keep them alive until the job settles.
struct SearchBatch {
  std::size_t dim = 0;
  std::size_t rows = 0;
  std::size_t k = 0;       // the k asked for: what each query searches for
  std::size_t stride = 0;  // slots per row of the result arrays (lib: min(k, element count), at least 1)
  std::size_t ef = 0;      // 0 until resolved against the engine
  std::size_t threads = 1;
  TeardownWatch* watch = nullptr;  // the Promise form's: stops the rows if the environment goes away
  const float* queries = nullptr;  // rows * dim floats (see RowsOf)
  bool callers_memory = false;     // `queries` is the caller's array, read in place (see CheckedRow)
  std::vector<float> copy;
  Napi::Reference<Napi::Float32Array> queries_pin;  // lib's owned copy, read in place
  // None, one for every query, or one per query (an empty one: that query unfiltered). Made into LabelSets off the
  // JS thread, since sorting can take a while.
  std::vector<std::optional<FilterSpec>> filters;
  bool filter_per_query = false;
  // Allow-lists of at most this many labels are searched exactly (Derived::ExactIds); unset: the engine's choice.
  std::optional<std::size_t> exact_limit;
  double* out_labels = nullptr;        // rows * stride, closest first, -1 where nothing was found
  float* out_distances = nullptr;      // rows * stride, +Infinity where nothing was found
  std::uint32_t* out_found = nullptr;  // rows
  Napi::Reference<Napi::Float64Array> labels_pin;
  Napi::Reference<Napi::Float32Array> distances_pin;
  Napi::Reference<Napi::Uint32Array> found_pin;
};

// One filter: { allow: Float64Array } or { deny: Float64Array }.
inline FilterSpec ParseFilterSpec(Napi::Env env, Napi::Value value, const std::string& name) {
  if (!value.IsObject()) ThrowTypeError(env, name.c_str(), "an object");
  Napi::Object filter = value.As<Napi::Object>();
  Napi::Value allow = OptionalProperty(filter, "allow");
  Napi::Value deny = OptionalProperty(filter, "deny");
  if (allow.IsEmpty() == deny.IsEmpty()) {
    ThrowTypeError(env, name.c_str(), "an object with exactly one of allow and deny");
  }
  FilterSpec spec;
  if (!allow.IsEmpty()) {
    spec.labels = LabelsFromValue(env, allow, (name + ".allow").c_str());
  } else {
    spec.mode = hnswkit::LabelSet::Mode::kDeny;
    spec.labels = LabelsFromValue(env, deny, (name + ".deny").c_str());
  }
  return spec;
}

// filter: undefined, one filter for every query, or an array of one filter or undefined per query.
inline void ParseFilter(Napi::Env env, Napi::Value value, SearchBatch* batch) {
  if (value.IsEmpty()) return;
  if (!value.IsArray()) {
    batch->filters.emplace_back(ParseFilterSpec(env, value, "filter"));
    return;
  }
  Napi::Array list = value.As<Napi::Array>();
  if (list.Length() != batch->rows) {
    throw Napi::RangeError::New(env, "Expected `filter` to have " + std::to_string(batch->rows) +
                                         " elements (one per query) but received " + std::to_string(list.Length()));
  }
  batch->filter_per_query = true;
  batch->filters.resize(batch->rows);
  for (std::uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!item.IsUndefined()) batch->filters[i] = ParseFilterSpec(env, item, "filter[" + std::to_string(i) + "]");
  }
}

// One result array of `out`: of the given type and exactly `length` elements (a detached one has none).
template <typename Array>
Array ExpectOutput(Napi::Env env, Napi::Object out, const char* key, const char* name, napi_typedarray_type type,
                   const char* expected, std::size_t length) {
  Array array = ExpectTypedArrayValue<Array>(env, out.Get(key), name, type, expected);
  if (array.ElementLength() != length || (length > 0 && array.Data() == nullptr)) {
    throw Napi::RangeError::New(env, std::string("Expected `") + name + "` to have " + std::to_string(length) +
                                         " elements but received " + std::to_string(array.ElementLength()));
  }
  return array;
}

// searchKnnBatch(queries: Float32Array, k, options: { numThreads, ef?, filter?, owned?, stride,
//                out: { labels: Float64Array, distances: Float32Array, found: Uint32Array } }), the arrays of
// rows * stride, rows * stride and rows elements.
inline std::unique_ptr<SearchBatch> ParseSearchBatch(const Napi::CallbackInfo& info, std::size_t dim, bool copy) {
  Napi::Env env = info.Env();
  auto batch = std::make_unique<SearchBatch>();
  Napi::Float32Array queries;
  batch->dim = dim;
  batch->rows = ExpectRows(info, 0, "queries", dim, &queries);
  batch->k = ExpectCount(info, 1, "k", 1);
  Napi::Object options = ExpectObject(info, 2, "options");
  batch->threads = ThreadsOption(options);
  batch->ef = CountProperty(options, "ef", 0, 0);
  ParseFilter(env, OptionalProperty(options, "filter"), batch.get());
  Napi::Value exact_limit = OptionalProperty(options, "exactSearchLimit");
  if (!exact_limit.IsEmpty()) {
    batch->exact_limit = static_cast<std::size_t>(
        ExpectIntegerValue(env, exact_limit, "exactSearchLimit", 0, MaxCount()));
  }
  batch->stride = static_cast<std::size_t>(ExpectIntegerValue(env, options.Get("stride"), "stride", 1, MaxCount()));
  if (batch->rows > 0 && batch->stride > std::numeric_limits<std::size_t>::max() / batch->rows) {
    throw Napi::RangeError::New(env, "Expected `stride` to be at most " +
                                         std::to_string(std::numeric_limits<std::size_t>::max() / batch->rows) +
                                         " for " + std::to_string(batch->rows) + " queries but received " +
                                         std::to_string(batch->stride));
  }
  const std::size_t slots = batch->rows * batch->stride;
  Napi::Value out_value = options.Get("out");
  if (!out_value.IsObject()) ThrowTypeError(env, "out", "an object");
  Napi::Object out = out_value.As<Napi::Object>();
  auto labels = ExpectOutput<Napi::Float64Array>(env, out, "labels", "out.labels", napi_float64_array, "a Float64Array",
                                                 slots);
  auto distances = ExpectOutput<Napi::Float32Array>(env, out, "distances", "out.distances", napi_float32_array,
                                                    "a Float32Array", slots);
  auto found = ExpectOutput<Napi::Uint32Array>(env, out, "found", "out.found", napi_uint32_array, "a Uint32Array",
                                               batch->rows);
  batch->out_labels = labels.Data();
  batch->out_distances = distances.Data();
  batch->out_found = found.Data();
  batch->labels_pin = Napi::Persistent(labels);
  batch->distances_pin = Napi::Persistent(distances);
  batch->found_pin = Napi::Persistent(found);
  batch->queries = RowsOf(queries, copy, BoolProperty(options, "owned", false), &batch->copy, &batch->queries_pin);
  batch->callers_memory = !copy;
  return batch;
}

// Rows per take of the search loop (parallel_for's chunk): neighbouring rows write neighbouring result slots
// (out.found holds 16 rows to a cache line), so threads that took alternate rows would pass those lines back and
// forth on every row. Runs of up to 32 rows, and at least 8 runs per thread so the threads finish together.
inline std::size_t SearchChunk(std::size_t rows, std::size_t threads) {
  return std::clamp<std::size_t>(rows / (std::max<std::size_t>(threads, 1) * 8), 1, 32);
}

template <typename Derived, typename Engine>
void SearchRows(const Engine& engine, SearchBatch& batch) {
  // The width the rows search with, which the choice of an exact search over an allow-list depends on.
  const std::size_t width = std::max(batch.ef == 0 ? Derived::CurrentEf(engine) : batch.ef, batch.k);
  std::optional<PreparedFilter> shared;
  if (!batch.filter_per_query && !batch.filters.empty()) {
    shared = PrepareFilter<Derived>(engine, std::move(*batch.filters[0]), width, batch.exact_limit);
  }
  const std::size_t stride = batch.stride;
  const std::atomic<bool>* stop = batch.watch != nullptr ? &batch.watch->stopping_flag() : nullptr;
  std::vector<std::vector<float>> scratch = ScratchRows(batch.threads, batch.rows);
  hnswkit::parallel_for(
      batch.rows, batch.threads,
      [&](std::size_t row, std::size_t thread) {
        if (batch.watch != nullptr) batch.watch->Ping();
        const float* query = CheckedRow(batch.queries, row, batch.dim, batch.callers_memory, scratch[thread],
                                        "queries");
        // The engine gets the k asked for (the beam is max(ef, k)); only the hits that fit the stride are kept, which
        // are all of them unless elements were added after the stride was chosen.
        std::optional<PreparedFilter> own;
        if (batch.filter_per_query && batch.filters[row]) {
          own = PrepareFilter<Derived>(engine, std::move(*batch.filters[row]), width, batch.exact_limit);
        }
        const PreparedFilter* filter = own ? &*own : shared ? &*shared : nullptr;
        const hnswkit::SearchHits hits = SearchPrepared<Derived>(engine, query, batch.k, filter, batch.ef);
        const std::size_t n = std::min(hits.size(), stride);
        double* labels = batch.out_labels + row * stride;
        float* distances = batch.out_distances + row * stride;
        for (std::size_t i = 0; i < n; ++i) {
          labels[i] = static_cast<double>(hits[i].label);
          distances[i] = hits[i].distance;
        }
        std::fill(labels + n, labels + stride, -1.0);
        std::fill(distances + n, distances + stride, std::numeric_limits<float>::infinity());
        batch.out_found[row] = static_cast<std::uint32_t>(n);
      },
      stop, nullptr, SearchChunk(batch.rows, batch.threads));
  if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
    throw hnswkit::Error(hnswkit::ErrorCode::kCancelled, "searchKnnBatch was stopped: the environment is exiting");
  }
}

// { k, count, labels, distances, found } over the arrays the rows were written into, k being the stride.
inline Napi::Object SearchResultToJs(Napi::Env env, const SearchBatch& batch) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("k", Napi::Number::New(env, static_cast<double>(batch.stride)));
  result.Set("count", Napi::Number::New(env, static_cast<double>(batch.rows)));
  result.Set("labels", batch.labels_pin.Value());
  result.Set("distances", batch.distances_pin.Value());
  result.Set("found", batch.found_pin.Value());
  return result;
}

// ---- jobs -----------------------------------------------------------------------------------------------------

// What the Promise forms of addItems and searchKnnBatch share: the engine and the batch, pinned for the job's whole
// life, and the rows run on the pool by kRows (InsertRows or SearchRows) under a watch that stops them if the
// environment tears down. Engine is const for a job that only reads.
template <typename Engine, typename Batch, void (*kRows)(Engine&, Batch&)>
class RowsJob : public PromiseJob {
 protected:
  RowsJob(Napi::Env env, const char* resource_name, std::shared_ptr<JobCount> jobs, std::shared_ptr<Engine> engine,
          std::unique_ptr<Batch> batch)
      : PromiseJob(env, resource_name, std::move(jobs)),
        engine_(std::move(engine)),
        batch_(std::move(batch)),
        watch_(env) {
    batch_->watch = &watch_;
  }

  const Batch& batch() const { return *batch_; }

 private:
  void Run() override {
    TeardownWatch::Rows rows(watch_);
    kRows(*engine_, *batch_);
  }

  std::shared_ptr<Engine> engine_;
  std::unique_ptr<Batch> batch_;
  TeardownWatch watch_;
};

// A failure names the labels inserted before it stopped.
template <typename Derived, typename Engine>
class AddJob final : public RowsJob<Engine, AddBatch, &InsertRows<Derived, Engine>> {
 public:
  AddJob(Napi::Env env, std::shared_ptr<JobCount> jobs, std::shared_ptr<Engine> engine, std::unique_ptr<AddBatch> batch)
      : AddJob::RowsJob(env, "hnswkit:addItems", std::move(jobs), std::move(engine), std::move(batch)) {}

 private:
  void Annotate(Napi::Env env, Napi::Object error) override { AnnotateBatchError(env, error, this->batch()); }
};

// Resolves to the arrays the rows were written into.
template <typename Derived, typename Engine>
class SearchJob final : public RowsJob<const Engine, SearchBatch, &SearchRows<Derived, Engine>> {
 public:
  SearchJob(Napi::Env env, std::shared_ptr<JobCount> jobs, std::shared_ptr<const Engine> engine,
            std::unique_ptr<SearchBatch> batch)
      : SearchJob::RowsJob(env, "hnswkit:searchKnnBatch", std::move(jobs), std::move(engine), std::move(batch)) {}

 private:
  Napi::Value Resolution(Napi::Env env) override { return SearchResultToJs(env, this->batch()); }
};

}  // namespace binding
