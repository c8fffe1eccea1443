// The one place where C++ failures become JS errors: "Hnswlib Error: <what>" with a stable `code` property.
#pragma once

#include <napi.h>

#include <new>
#include <stdexcept>
#include <string>

#include "util/error.h"

namespace binding {

inline constexpr char kErrorPrefix[] = "Hnswlib Error: ";

// A failure held without any N-API value, so a libuv worker thread can record it and the JS thread raise it later.
struct ErrorInfo {
  std::string message;
  std::string code;          // empty: the JS error gets no `code` property
  bool range_error = false;  // a RangeError instead of an Error
};

// A bad value that only the binding can see, because it reads it from memory another thread may write (a
// SharedArrayBuffer): a non-finite element of a row as it is inserted or searched. It becomes a RangeError with code
// ERR_OUT_OF_RANGE and exactly this message (no "Hnswlib Error: " prefix), as lib/'s own checks word it.
class RangeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a JS callback (a searchKnn filter, addItemsSync's onProgress) threw, carried to the end of the method and
// thrown again as it is. Napi::Error would look a property up on the value to rethrow it, which runs a Proxy's
// `has` trap, and whatever that trap throws would replace the value. `value` is a handle of the method's outermost
// scope (callers escape it there), so it stays valid until the method returns.
struct JsException {
  napi_value value;
};

// Takes the exception a JS call left pending, as a raw value; false if none is pending (the environment is exiting).
inline bool TakePendingException(napi_env env, napi_value* value) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return false;
  return napi_get_and_clear_last_exception(env, value) == napi_ok;
}

// Describes the exception being handled; call it only inside a catch block.
inline ErrorInfo DescribeCurrentException() {
  try {
    throw;
  } catch (const RangeFailure& e) {
    return {e.what(), "ERR_OUT_OF_RANGE", true};
  } catch (const hnswkit::Error& e) {
    return {std::string(kErrorPrefix) + e.what(), hnswkit::error_code_name(e.code()),
            e.code() == hnswkit::ErrorCode::kOutOfRange};
  } catch (const std::bad_alloc&) {
    return {std::string(kErrorPrefix) + "not enough memory", "ERR_OUT_OF_MEMORY"};
  } catch (const std::exception& e) {
    return {std::string(kErrorPrefix) + e.what(), std::string()};
  } catch (...) {
    return {std::string(kErrorPrefix) + "unknown native exception", std::string()};
  }
}

inline Napi::Error MakeError(Napi::Env env, const ErrorInfo& info) {
  Napi::Error error = info.range_error ? Napi::RangeError::New(env, info.message) : Napi::Error::New(env, info.message);
  if (!info.code.empty()) error.Set("code", Napi::String::New(env, info.code));
  return error;
}

inline Napi::Error NotInitializedError(Napi::Env env) {
  return MakeError(env, {"Search index has not been initialized, call `initIndex` in advance.", "ERR_NOT_INITIALIZED"});
}

// The index cannot do this now because of other work on it; `what` says what and why.
inline Napi::Error BusyError(Napi::Env env, const std::string& what) {
  return MakeError(env, {std::string(kErrorPrefix) + what, "ERR_INDEX_BUSY"});
}

// Runs a method body so that no C++ exception reaches N-API untranslated: a Napi::Error already carries its JS value
// and passes through, as does a JsException (only methods whose dispatcher throws it again call JS callbacks);
// anything else (engine, allocation, standard library) leaves as the error MakeError builds.
template <typename Body>
auto Guarded(Napi::Env env, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const JsException&) {
    throw;
  } catch (...) {
    throw MakeError(env, DescribeCurrentException());
  }
}

}  // namespace binding
