// Engine error type: every failure the engine reports carries a stable code and a message with the numbers involved.
#pragma once

#include <stdexcept>
#include <string>

namespace hnswkit {

enum class ErrorCode {
  kInvalidArgument,  // a value out of its documented range
  kLabelNotFound,    // the label is not in the index (or is deleted, where that matters)
  kAlreadyDeleted,   // markDelete of a deleted element
  kNotDeleted,       // unmarkDelete of a live element
  kIndexFull,        // no free slot left; resize first
  kReplaceDisabled,  // replace_deleted requested on an index built without allow_replace_deleted
  kUpdateDeleted,    // updating a deleted label while replacement is enabled
  kResizeTooSmall,   // new capacity below the element count
  kCorruptFile,      // a file or buffer that is not a valid index of this kind and dimension
  kIo,               // open, read, write, flush or rename failed
  kOutOfMemory,      // an allocation failed
  kCancelled,        // a long job was stopped on request
  kOutOfRange,       // a vector value the index's precision cannot hold (f16 beyond 65504)
  kReadOnly,         // a change to an index opened read-only (a mapped file)
};

// The stable string exposed to JavaScript as `error.code`.
const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace hnswkit
