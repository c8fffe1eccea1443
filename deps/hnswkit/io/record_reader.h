// What the readers of both file formats share (docs/format.md 4 and 6.6): the corrupt-file error, and the copy of
// stored records from the input into an index, which checks each stored vector and converts it to the index's
// precision on the way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/byte_io.h"
#include "space/space.h"
#include "util/crc32c.h"
#include "util/error.h"

namespace hnswkit {

// Throws Error(kCorruptFile, "Index seems to be corrupted or unsupported: <detail>").
[[noreturn]] void corrupt(const std::string& detail);
std::string num(std::uint64_t v);
// Throws Error(kIo) on a big-endian host: every format here is little-endian (docs/format.md 1.1).
void require_little_endian();

// The first problem found while records were copied, kept until the caller has checked the body's checksum, so that
// a damaged file is reported as damaged rather than by whichever field the damage hit first.
class FirstProblem {
 public:
  void note(ErrorCode code, const std::string& message);
  bool found() const { return found_; }
  // Throws the problem noted first, if any.
  void raise() const;

 private:
  bool found_ = false;
  ErrorCode code_ = ErrorCode::kCorruptFile;
  std::string message_;
};

// `count` records that lie one after another in the input and go one after another into memory. A record is
// `prefix_bytes` kept as they are (a graph's level-0 link list; none in a brute-force slot), one stored vector and an
// 8-byte label. In the input the vector has the form of `from` (the file's precision); in memory that of `to`.
struct RecordCopy {
  std::size_t count;
  std::size_t prefix_bytes;
  const Space& from;
  const Space& to;
  char* out;         // count records of prefix_bytes + to.vector_bytes() + 8 bytes
  const char* noun;  // what a record is called in messages: "element" or "slot"
  const char* part;  // the input's part, for "input ends inside <part>"
};

// Reads the records at the input's position into copy.out, adding every byte read to crc (if not null). Checks
// each stored i8 vector and cosine f16 scale (6.6) and, when from and to differ in precision, converts each vector:
// decoded with `from`, checked to fit `to` (finite, and within 65504 for f16 but cosine), then stored with
// to.encode_prepared. A vector that fails is noted in `problem` (kCorruptFile for a damaged i8 header, kOutOfRange for
// a value `to` cannot hold) and the copy goes on; only a short input throws at once.
void read_records(ByteReader& in, const RecordCopy& copy, Crc32c* crc, FirstProblem& problem);

}  // namespace hnswkit
