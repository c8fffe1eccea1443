// A JS function as an engine LabelFilter, for synchronous searches that run on the JS thread.
#pragma once

#include <napi.h>

#include <cstdint>
#include <utility>

#include "errors.h"
#include "index/search_types.h"

namespace binding {

// Thrown through the engine to end a search whose filter failed; the engine's searches are exception-safe.
struct FilterFailed {};

// A JS exception must not unwind through the engine as a Napi::Error, so the first one is caught and kept, and a
// FilterFailed ends the search at once; the caller raises the kept exception with RethrowIfFailed. The process
// survives a throwing filter and the search does not walk the rest of the graph first.
class JsLabelFilter final : public hnswkit::LabelFilter {
 public:
  JsLabelFilter(Napi::Env env, Napi::Function function) : env_(env), function_(function) {}

  bool allowed(std::uint64_t label) const override {
    if (failed_) return false;
    try {
      // One scope per call: a search may consult the filter for every candidate it walks past.
      Napi::HandleScope scope(env_);
      Napi::Value verdict = function_.Call({Napi::Number::New(env_, static_cast<double>(label))});
      return verdict.ToBoolean().Value();
    } catch (Napi::Error& e) {
      // Moved, not copied: node-addon-api's copy assignment re-references the thrown value, which fails (and
      // throws anew) when JS threw a primitive such as `throw 42`.
      js_error_ = std::move(e);
    } catch (...) {
      native_error_ = DescribeCurrentException();
    }
    failed_ = true;
    throw FilterFailed{};
  }

  void RethrowIfFailed() const {
    if (!failed_) return;
    if (!js_error_.IsEmpty()) throw js_error_;
    throw MakeError(env_, native_error_);
  }

 private:
  Napi::Env env_;
  Napi::Function function_;  // a handle of the calling method's scope, which outlives the search
  mutable bool failed_ = false;
  mutable Napi::Error js_error_;
  mutable ErrorInfo native_error_;
};

}  // namespace binding
