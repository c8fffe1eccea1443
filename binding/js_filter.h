// A JS function as an engine LabelFilter, for synchronous searches that run on the JS thread.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "errors.h"
#include "index/search_types.h"

namespace binding {

// Thrown through the engine to end a search whose filter failed; the engine's searches are exception-safe.
struct FilterFailed {};

// A JS exception must not unwind through the engine, so the first one is caught and kept, and a FilterFailed ends
// the search at once; the caller raises the kept exception with RethrowIfFailed. The process survives a throwing
// filter and the search does not walk the rest of the graph first.
class JsLabelFilter final : public hnswkit::LabelFilter {
 public:
  JsLabelFilter(Napi::Env env, Napi::Function function) : env_(env), function_(function) {}

  bool allowed(std::uint64_t label) const override {
    if (failed_) return false;
    try {
      // One scope per call: a search may consult the filter for every candidate it walks past. What the filter
      // throws is escaped from it into the method's scope, to be thrown again once the search has ended.
      Napi::EscapableHandleScope scope(env_);
      napi_value argument = Napi::Number::New(env_, static_cast<double>(label));
      napi_value verdict = nullptr;
      // The raw call, not Function::Call: that wraps what JS threw in a Napi::Error (see JsException).
      if (napi_call_function(env_, env_.Undefined(), function_, 1, &argument, &verdict) == napi_ok) {
        return Napi::Value(env_, verdict).ToBoolean().Value();
      }
      napi_value thrown = nullptr;
      if (TakePendingException(env_, &thrown)) {
        thrown_ = scope.Escape(thrown);
      } else {
        native_error_ = {std::string(kErrorPrefix) + "the filter could not be called", std::string()};
      }
    } catch (...) {
      native_error_ = DescribeCurrentException();
    }
    failed_ = true;
    throw FilterFailed{};
  }

  void RethrowIfFailed() const {
    if (!failed_) return;
    if (thrown_ != nullptr) throw JsException{thrown_};
    throw MakeError(env_, native_error_);
  }

 private:
  Napi::Env env_;
  Napi::Function function_;  // a handle of the calling method's scope, which outlives the search
  mutable bool failed_ = false;
  mutable napi_value thrown_ = nullptr;  // what the filter threw (possibly undefined), in the method's scope
  mutable ErrorInfo native_error_;
};

}  // namespace binding
