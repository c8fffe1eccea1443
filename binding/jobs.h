// Base of every Promise-returning method: engine work on a libuv pool thread, settlement back on the JS thread.
#pragma once

#include <napi.h>

#include "errors.h"

namespace binding {

// A subclass holds what Run needs as plain C++ values (the engine by shared_ptr, so collecting the JS object
// mid-job cannot free it) and overrides Run and, if it resolves with something, Resolution.
class PromiseJob : public Napi::AsyncWorker {
 public:
  // Queues the job and returns its Promise. From here on the job owns itself: AsyncWorker deletes it once settled.
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  PromiseJob(Napi::Env env, const char* resource_name)
      : Napi::AsyncWorker(env, resource_name), deferred_(Napi::Promise::Deferred::New(env)) {}

  // Pool thread: no N-API calls. Throwing rejects the Promise with the error errors.h builds.
  virtual void Run() = 0;
  // JS thread, after Run returned normally: the value to resolve with.
  virtual Napi::Value Resolution(Napi::Env env) { return env.Undefined(); }

 private:
  void Execute() final {
    try {
      Run();
    } catch (...) {
      failure_ = DescribeCurrentException();
      SetError(failure_.message);
    }
  }

  void OnOK() final {
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
  void OnError(const Napi::Error&) final { deferred_.Reject(MakeError(Env(), failure_).Value()); }

  Napi::Promise::Deferred deferred_;
  ErrorInfo failure_;
};

}  // namespace binding
