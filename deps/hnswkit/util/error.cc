// Stable names of engine error codes.
#include "util/error.h"

namespace hnswkit {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "ERR_INVALID_ARGUMENT";
    case ErrorCode::kLabelNotFound:
      return "ERR_LABEL_NOT_FOUND";
    case ErrorCode::kAlreadyDeleted:
      return "ERR_ALREADY_DELETED";
    case ErrorCode::kNotDeleted:
      return "ERR_NOT_DELETED";
    case ErrorCode::kIndexFull:
      return "ERR_INDEX_FULL";
    case ErrorCode::kReplaceDisabled:
      return "ERR_REPLACE_DISABLED";
    case ErrorCode::kUpdateDeleted:
      return "ERR_UPDATE_DELETED";
    case ErrorCode::kResizeTooSmall:
      return "ERR_RESIZE_TOO_SMALL";
    case ErrorCode::kCorruptFile:
      return "ERR_CORRUPT_INDEX";
    case ErrorCode::kIo:
      return "ERR_IO";
    case ErrorCode::kOutOfMemory:
      return "ERR_OUT_OF_MEMORY";
    case ErrorCode::kCancelled:
      return "ERR_CANCELLED";
    case ErrorCode::kOutOfRange:
      return "ERR_OUT_OF_RANGE";
    case ErrorCode::kReadOnly:
      return "ERR_READ_ONLY";
  }
  return "ERR_UNKNOWN";
}

}  // namespace hnswkit
