// The header of hnswkit's native index files (docs/format.md 6.2): magic, version, what the file holds, and the
// CRC-32Cs of the body and of the header itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "io/byte_io.h"
#include "space/space.h"

namespace hnswkit {

constexpr std::size_t kNativeMagicBytes = 8;
constexpr std::size_t kNativeHeaderBytes = 112;
constexpr std::uint32_t kNativeVersion = 1;

// Byte offsets of the header's fields (6.2).
namespace native_field {
enum : std::size_t {
  kVersion = 8,
  kKind = 12,
  kMetric = 16,
  kPrecision = 20,
  kScheme = 24,
  kReserved = 28,
  kDim = 32,
  kCapacity = 40,
  kCount = 48,
  kRecordBytes = 56,
  kM = 64,
  kEfConstruction = 72,
  kLevelMult = 80,
  kEntryPoint = 88,
  kMaxLevel = 92,
  kBodyBytes = 96,
  kBodyCrc = 104,
  kHeaderCrc = 108,
};
}  // namespace native_field
static_assert(native_field::kHeaderCrc + 4 == kNativeHeaderBytes, "the header CRC is the header's last field");

// docs/format.md 6.2, "kind".
enum class NativeKind : std::uint32_t { kGraph = 1, kBruteForce = 2 };

// The header's fields, but for the magic, the version and the header's own CRC, which the functions below write
// and check themselves. Fields a brute-force file does not use hold fixed values (6.2).
struct NativeHeader {
  NativeKind kind;
  Metric metric;
  Precision precision;
  std::uint64_t dim;
  std::uint64_t capacity;
  std::uint64_t count;
  std::uint64_t record_bytes;  // graph: one level-0 record; brute force: one slot
  std::uint64_t m;
  std::uint64_t ef_construction;
  double level_mult;
  std::uint32_t entry_point;
  std::int32_t max_level;
  std::uint64_t body_bytes;
  std::uint32_t body_crc;
};

// A header for an index of this kind and space, with the fields a brute-force file does not use at their fixed values
// (M, ef_construction and mult 0, entry point 0xFFFFFFFF, max level -1) and no body yet (body_bytes, body_crc 0).
NativeHeader native_header_for(NativeKind kind, const Space& space, std::uint64_t capacity, std::uint64_t count,
                               std::uint64_t record_bytes);

// Whether the first 8 bytes of an input, as a little-endian u64, are the native magic.
bool is_native_magic(std::uint64_t first_bytes);

void write_native_header(const NativeHeader& header, ByteWriter& out);

// Reads the rest of the header, the input's first 8 bytes being the magic and its position 8, and checks, in this
// order (6.6): the version, the header CRC, the kind, the metric, the precision and its quantisation scheme, the
// reserved field, that the metric and the dimension are the space's, and that the body is the rest of the input.
// Throws Error(kCorruptFile) naming the field and its numbers.
NativeHeader read_native_header(ByteReader& in, NativeKind kind, const Space& space);

// Throws Error(kCorruptFile) unless the CRC-32C of the body as it was copied equals the header's.
void check_body_crc(std::uint32_t computed, const NativeHeader& header);

}  // namespace hnswkit
