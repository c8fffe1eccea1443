// Errors and the record copy shared by the readers of both formats.
#include "io/record_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace hnswkit {
namespace {

std::string corrupt_message(const std::string& detail) {
  return "Index seems to be corrupted or unsupported: " + detail;
}

std::string float_text(float v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
  return text;
}

std::uint64_t label_in(const char* record, std::size_t label_offset) {
  std::uint64_t label;
  std::memcpy(&label, record + label_offset, sizeof label);
  return label;
}

// Why the stored i8 vector at v cannot be used, or "" if it can (docs/format.md 6.6): its offset and scale must be
// finite, the scale not negative, every code must decode to a finite float32 value, and the header's sums must be
// those of the codes, which the distances rely on.
std::string i8_problem(const char* v, std::size_t dim) {
  I8Header h;
  std::memcpy(&h, v, sizeof h);
  if (!std::isfinite(h.scale) || h.scale < 0.0f) {
    return "has i8 scale " + float_text(h.scale) + ", expected a finite number >= 0";
  }
  if (!std::isfinite(h.offset)) return "has i8 offset " + float_text(h.offset) + ", expected a finite number";
  // Space::decode's own arithmetic: the codes -128 and 127 give the smallest and the largest value.
  if (!std::isfinite(h.offset + h.scale * -128.0f) || !std::isfinite(h.offset + h.scale * 127.0f)) {
    return "has i8 offset " + float_text(h.offset) + " and scale " + float_text(h.scale) +
           ", whose codes decode beyond the float32 range";
  }
  const auto* codes = reinterpret_cast<const std::int8_t*>(v + sizeof h);
  std::int64_t sum = 0, sum_squares = 0;
  for (std::size_t i = 0; i < dim; ++i) {
    sum += codes[i];
    sum_squares += codes[i] * codes[i];
  }
  if (sum != h.sum || sum_squares != h.sum_squares) {
    return "has i8 code sums " + std::to_string(h.sum) + " and " + std::to_string(h.sum_squares) +
           " but its codes give " + std::to_string(sum) + " and " + std::to_string(sum_squares);
  }
  return "";
}

// Why the scale of the cosine f16 vector at v cannot be used, or "": it must be finite and not negative, and every
// finite value times it (Space::decode's own arithmetic) must be a finite float32 value.
std::string f16_scale_problem(const char* v, const Space& space, std::vector<float>& widened) {
  float scale;
  std::memcpy(&scale, v, sizeof scale);
  if (!std::isfinite(scale) || scale < 0.0f) {
    return "has f16 scale " + float_text(scale) + ", expected a finite number >= 0";
  }
  widened.resize(space.dim());
  space.widen_f16(v, widened.data());
  for (std::size_t i = 0; i < widened.size(); ++i) {
    if (std::isfinite(widened[i]) && !std::isfinite(scale * widened[i])) {
      return "has f16 scale " + float_text(scale) + ", whose values decode beyond the float32 range";
    }
  }
  return "";
}

// Why the float32 values cannot be stored in the space `to`, or "". A cosine f16 space scales each vector, so it
// holds any finite one.
std::string conversion_problem(const std::vector<float>& values, const Space& to) {
  constexpr float kF16Max = 65504.0f;
  const bool limited = to.precision() == Precision::kF16 && to.metric() != Metric::kCosine;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) return "coordinate " + num(i) + " is " + float_text(values[i]);
    if (limited && std::fabs(values[i]) > kF16Max) {
      return "coordinate " + num(i) + " is " + float_text(values[i]) + ", beyond 65504 in magnitude";
    }
  }
  return "";
}

}  // namespace

void corrupt(const std::string& detail) { throw Error(ErrorCode::kCorruptFile, corrupt_message(detail)); }

std::string num(std::uint64_t v) { return std::to_string(v); }

void require_little_endian() {
  const std::uint16_t probe = 1;
  std::uint8_t first;
  std::memcpy(&first, &probe, 1);
  if (first != 1) throw Error(ErrorCode::kIo, "index files are little-endian; this machine is big-endian");
}

void FirstProblem::note(ErrorCode code, const std::string& message) {
  if (found_) return;
  found_ = true;
  code_ = code;
  message_ = message;
}

void FirstProblem::raise() const {
  if (found_) throw Error(code_, message_);
}

void read_records(ByteReader& in, const RecordCopy& copy, Crc32c* crc, FirstProblem& problem) {
  const std::size_t in_vector = copy.from.vector_bytes(), out_vector = copy.to.vector_bytes();
  const std::size_t in_record = copy.prefix_bytes + in_vector + 8;
  const std::size_t out_record = copy.prefix_bytes + out_vector + 8;
  const bool check_i8 = copy.from.precision() == Precision::kI8;
  const bool check_scale = copy.from.precision() == Precision::kF16 && copy.from.metric() == Metric::kCosine;
  std::vector<float> widened;
  const auto check = [&](const char* record, std::size_t i) {
    if (!check_i8 && !check_scale) return;
    const char* v = record + copy.prefix_bytes;
    const std::string why = check_i8 ? i8_problem(v, copy.from.dim()) : f16_scale_problem(v, copy.from, widened);
    if (!why.empty()) problem.note(ErrorCode::kCorruptFile, corrupt_message(copy.noun + (" " + num(i) + " ") + why));
  };

  if (copy.from.precision() == copy.to.precision()) {
    // The same form in the file and in memory: one read straight into place, checked there.
    in.read(copy.out, copy.count * in_record, copy.part);
    if (crc != nullptr) crc->update(copy.out, copy.count * in_record);
    for (std::size_t i = 0; i < copy.count; ++i) check(copy.out + i * in_record, i);
    return;
  }

  // Another form: the records pass through a buffer of about 64 KiB, which is what gets checked and converted.
  const std::size_t chunk = std::max<std::size_t>(1, std::min(copy.count, (std::size_t{1} << 16) / in_record));
  std::vector<char> buffer(chunk * in_record);
  std::vector<float> values(copy.from.dim());
  for (std::size_t first = 0; first < copy.count; first += chunk) {
    const std::size_t n = std::min(chunk, copy.count - first);
    in.read(buffer.data(), n * in_record, copy.part);
    if (crc != nullptr) crc->update(buffer.data(), n * in_record);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = first + k;
      const char* from = buffer.data() + k * in_record;
      char* to = copy.out + i * out_record;
      std::memcpy(to, from, copy.prefix_bytes);
      std::memcpy(to + copy.prefix_bytes + out_vector, from + copy.prefix_bytes + in_vector, 8);
      check(from, i);
      if (problem.found()) continue;  // nothing is thrown before the caller's checksum test; nothing more is needed
      copy.from.decode(from + copy.prefix_bytes, values.data());
      const std::string why = conversion_problem(values, copy.to);
      if (!why.empty()) {
        problem.note(ErrorCode::kOutOfRange, std::string("cannot convert the index to precision '") +
                                                 precision_name(copy.to.precision()) + "': " + copy.noun + " " +
                                                 num(i) + " (label " +
                                                 num(label_in(from, copy.prefix_bytes + in_vector)) + "): " + why);
        continue;
      }
      copy.to.encode_prepared(values.data(), to + copy.prefix_bytes);
    }
  }
}

}  // namespace hnswkit
