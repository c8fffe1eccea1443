// Base of every Promise-returning method: engine work on a libuv pool thread, settlement back on the JS thread, and
// the count of jobs in flight that lets an index refuse to be replaced under them.
#pragma once

#include <napi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "errors.h"

namespace binding {

// Tells a running job that its environment is being torn down (a worker_thread terminated or calling process.exit),
// so its rows can stop instead of finishing a whole build first. Runtimes give different notices, so the watch
// listens for each of them, all of which only set the stopping flag that the rows read:
// - Node waits for every job's Run to return before it goes on, and its cleanup hooks run only after that wait, so
//   while rows run they ping the JS thread through a thread-safe function, and there a call that needs to run JS
//   reports napi_pending_exception with no exception pending exactly when the environment can no longer call into
//   JS (the signal node-addon-api reads the same way under NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS).
// - Bun and Deno do not wait for the job: they run the environment's cleanup hooks while rows still run, and Bun
//   then finalizes the thread-safe function, after which a call reports napi_closing. The watch registers a cleanup
//   hook of its own, and treats the function's finalizer and napi_closing as the same notice.
// A finalized function is never called again: Ping and the finalizer take the same mutex, and the finalizer marks
// the function closed before its memory can go. Deno frees the environment's JS memory (the pinned arrays rows read
// and write) right after its cleanup hooks, so the hook waits for a running job's rows to stop (within one row; see
// Rows) before it returns.
class TeardownWatch {
  struct State;

 public:
  // JS thread.
  explicit TeardownWatch(Napi::Env env) : env_(env), state_(std::make_shared<State>()) {
    hook_ = new std::shared_ptr<State>(state_);
    if (napi_add_env_cleanup_hook(env, &CleanUp, hook_) != napi_ok) {
      delete hook_;
      hook_ = nullptr;
    }
    auto* context = new std::shared_ptr<State>(state_);
    napi_value name = Napi::String::New(env, "hnswkit:teardownWatch");
    const napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, name, /*max_queue_size=*/1,
                                                               /*initial_thread_count=*/1, context, &Finalize, context,
                                                               &Probe, &tsfn_);
    if (status != napi_ok) {
      delete context;
      tsfn_ = nullptr;
      return;  // the job still runs; only the cleanup hook can stop it early
    }
    state_->tsfn_open = true;
    // The job itself keeps the loop alive while it runs; the watch must not keep it alive afterwards.
    napi_unref_threadsafe_function(env, tsfn_);
  }

  // JS thread, once Run has returned (AsyncWorker deletes its job there), so no Ping can follow.
  ~TeardownWatch() {
    if (hook_ != nullptr && !state_->hook_ran) {
      napi_remove_env_cleanup_hook(env_, &CleanUp, hook_);
      delete hook_;
    }
    bool open = false;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      open = state_->tsfn_open;
      state_->tsfn_open = false;
    }
    // Outside the lock: a runtime may finalize the function from inside this call.
    if (open) napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
  }

  TeardownWatch(const TeardownWatch&) = delete;
  TeardownWatch& operator=(const TeardownWatch&) = delete;

  // Any thread, from inside Run; cheap: at most one ping per kInterval reaches the mutex and the JS thread.
  void Ping() {
    if (tsfn_ == nullptr) return;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
    std::int64_t last = last_ping_.load(std::memory_order_relaxed);
    if (now - last < kInterval.count()) return;
    if (!last_ping_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (!state_->tsfn_open) return;
    // A full queue (a ping not yet handled) is fine: nothing to add.
    if (napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking) == napi_closing) {
      state_->tsfn_open = false;
      state_->stopping.store(true, std::memory_order_relaxed);
    }
  }

  // Held by a job's Run around its rows, which touch JS memory (pinned arrays) only while it is held: the cleanup
  // hook waits for it to be let go. If the hook ran first, stopping() already reads true and no row starts.
  class Rows {
   public:
    explicit Rows(TeardownWatch& watch) : state_(*watch.state_) {
      std::lock_guard<std::mutex> lock(state_.mutex);
      state_.rows_running = true;
    }
    ~Rows() {
      std::lock_guard<std::mutex> lock(state_.mutex);
      state_.rows_running = false;
      state_.rows_stopped.notify_all();
    }
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;

   private:
    State& state_;
  };

  bool stopping() const { return state_->stopping.load(std::memory_order_relaxed); }
  const std::atomic<bool>& stopping_flag() const { return state_->stopping; }

 private:
  static constexpr std::chrono::milliseconds kInterval{50};

  // Shared with the thread-safe function and the cleanup hook, either of which may outlive the job.
  struct State {
    std::atomic<bool> stopping{false};
    std::mutex mutex;           // guards tsfn_open and rows_running, and every use of the function while it is open
    bool tsfn_open = false;     // the function exists and may be called or released
    bool rows_running = false;  // a Rows is held
    std::condition_variable rows_stopped;  // notified when rows_running turns false
    bool hook_ran = false;                 // JS thread only: the cleanup hook ran and freed its own reference
  };

  // JS thread; env is null when the function is being deleted with a ping still queued.
  static void Probe(napi_env env, napi_value, void* context, void*) {
    if (env == nullptr) return;
    napi_value undefined;
    napi_value ignored;
    if (napi_get_undefined(env, &undefined) != napi_ok) return;
    if (napi_coerce_to_bool(env, undefined, &ignored) == napi_ok) return;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
      (*static_cast<std::shared_ptr<State>*>(context))->stopping.store(true, std::memory_order_relaxed);
    }
  }

  // JS thread. Node finalizes the function after the job released it (Run is over, so stopping changes nothing),
  // Bun when the environment goes away while rows may still run.
  static void Finalize(napi_env, void* data, void*) {
    auto* state = static_cast<std::shared_ptr<State>*>(data);
    {
      std::lock_guard<std::mutex> lock((*state)->mutex);
      (*state)->tsfn_open = false;
      (*state)->stopping.store(true, std::memory_order_relaxed);
    }
    delete state;
  }

  // JS thread, as the environment is torn down: Node runs it only after Run returned (if the job was not deleted
  // first), Bun and Deno while rows may still run.
  static void CleanUp(void* data) {
    auto* state = static_cast<std::shared_ptr<State>*>(data);
    (*state)->hook_ran = true;
    {
      std::unique_lock<std::mutex> lock((*state)->mutex);
      (*state)->stopping.store(true, std::memory_order_relaxed);
      // A timed wait: condition_variable::wait(lock) binds to a libstdc++ symbol (GLIBCXX_3.4.30) newer than the
      // Linux prebuilds may need. The rows notify as they stop; the period only bounds a missed wake-up.
      while ((*state)->rows_running) (*state)->rows_stopped.wait_for(lock, std::chrono::milliseconds(100));
    }
    delete state;
  }

  napi_env env_;
  std::shared_ptr<State> state_;
  std::shared_ptr<State>* hook_ = nullptr;  // the cleanup hook's reference to state_, freed by whoever runs last
  napi_threadsafe_function tsfn_ = nullptr;
  std::atomic<std::int64_t> last_ping_{0};
};

// The async jobs of one index object that have started and not yet settled. Read and written on the JS thread only;
// held by shared_ptr (inside the wrapper's engine slot) so a job can still count itself out after its wrapper was
// collected.
struct JobCount {
  virtual ~JobCount() = default;

  // JS thread, each time a job has counted itself out (before its Promise settles).
  virtual void Settled(Napi::Env) {}

  int running = 0;       // every job in flight
  int replacing = 0;     // of those, loads (readIndex, fromBuffer) that swap in a new engine when they settle
  int compacting = 0;    // compact() jobs, and a compactSync calling onProgress: they copy the elements, so no
                         // add or delete may run until the copy is swapped in
  int sync_batches = 0;  // not jobs: addItemsSync calls that call back into JS (onProgress) while rows run
};

// What a job does to the slot's engine, for the access checks (index_wrap.h, CheckAccess).
enum class JobKind {
  kUses,      // reads or changes the engine it was given
  kReplaces,  // loads a new engine and swaps it in as it settles
  kCompacts,  // builds a compacted copy of the engine and swaps it in as it settles
};

// A subclass holds what Run needs as plain C++ values (the engine by shared_ptr, so collecting the JS object
// mid-job cannot free it) and overrides Run and, if it resolves with something, Resolution.
class PromiseJob : public Napi::AsyncWorker {
 public:
  // Queues the job and returns its Promise. From here on the job owns itself: AsyncWorker deletes it once settled.
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    ++jobs_->running;
    if (kind_ == JobKind::kReplaces) ++jobs_->replacing;
    if (kind_ == JobKind::kCompacts) ++jobs_->compacting;
    return promise;
  }

 protected:
  // `kind`: a job that swaps a new engine into the slot limits what may run meanwhile (JobKind).
  PromiseJob(Napi::Env env, const char* resource_name, std::shared_ptr<JobCount> jobs, JobKind kind = JobKind::kUses)
      : Napi::AsyncWorker(env, resource_name),
        deferred_(Napi::Promise::Deferred::New(env)),
        jobs_(std::move(jobs)),
        kind_(kind) {}

  // Pool thread: no N-API calls. Throwing rejects the Promise with the error errors.h builds.
  virtual void Run() = 0;
  // JS thread, after Run returned normally: the value to resolve with.
  virtual Napi::Value Resolution(Napi::Env env) { return env.Undefined(); }
  // JS thread, after Run threw: adds what the caller needs to know beyond the message and code.
  virtual void Annotate(Napi::Env, Napi::Object) {}

 private:
  void Execute() final {
    try {
      Run();
    } catch (...) {
      failure_ = DescribeCurrentException();
      SetError(failure_.message);
    }
  }

  // Counted out before settling, so code that awaits this job can already replace the index.
  void CountOut() {
    --jobs_->running;
    if (kind_ == JobKind::kReplaces) --jobs_->replacing;
    if (kind_ == JobKind::kCompacts) --jobs_->compacting;
    jobs_->Settled(Env());
  }

  void OnOK() final {
    CountOut();
    Napi::Env env = Env();
    Napi::Value value;
    try {
      value = Resolution(env);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
      return;
    } catch (...) {
      deferred_.Reject(MakeError(env, DescribeCurrentException()).Value());
      return;
    }
    deferred_.Resolve(value);
  }

  // AsyncWorker's own error carries only the message; failure_ also has the code.
  void OnError(const Napi::Error&) final {
    CountOut();
    Napi::Error error = MakeError(Env(), failure_);
    try {
      Annotate(Env(), error.Value());
    } catch (...) {
      // The message and code still tell what happened; an annotation that cannot be built is left out.
    }
    deferred_.Reject(error.Value());
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<JobCount> jobs_;
  JobKind kind_;
  ErrorInfo failure_;
};

}  // namespace binding
