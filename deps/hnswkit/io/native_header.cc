// The native header, field by field at the offsets of docs/format.md 6.2.
#include "io/native_header.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "io/record_reader.h"
#include "util/crc32c.h"

namespace hnswkit {
namespace {

// 0x89 catches a transfer that clears the top bit, CR LF one that rewrites line ends, 0x1A stops a DOS `type`, and
// the last LF catches LF -> CR LF. hnswlib's HierarchicalNSW files start with eight zero bytes.
constexpr std::uint8_t kMagic[kNativeMagicBytes] = {0x89, 'H', 'K', 'X', '\r', '\n', 0x1A, '\n'};
const char* const kPart = "the 112-byte native header";

using namespace native_field;

// The numbers the file gives metrics (6.2), independent of the order of the Metric enumerators.
constexpr Metric kMetricOfCode[] = {Metric::kL2, Metric::kInnerProduct, Metric::kCosine};
// Quantisation schemes: 0 none (float32), 1 binary16 rounded to nearest even, 2 per-vector affine i8 with the
// 16-byte I8Header, 3 binary16 after a float32 per-vector scale (cosine). Version 1 ties each precision and metric to
// one scheme.
std::uint32_t scheme_of(Precision precision, Metric metric) {
  switch (precision) {
    case Precision::kF32:
      return 0;
    case Precision::kF16:
      return metric == Metric::kCosine ? 3 : 1;
    default:
      return 2;
  }
}

std::uint32_t metric_code(Metric metric) {
  for (std::uint32_t code = 0; code < 3; ++code) {
    if (kMetricOfCode[code] == metric) return code;
  }
  return 0;
}

template <typename T>
void store(std::uint8_t* header, std::size_t offset, T value) {
  std::memcpy(header + offset, &value, sizeof value);
}

template <typename T>
T load(const std::uint8_t* header, std::size_t offset) {
  T value;
  std::memcpy(&value, header + offset, sizeof value);
  return value;
}

const char* kind_name(std::uint32_t kind) {
  return kind == static_cast<std::uint32_t>(NativeKind::kGraph) ? "HierarchicalNSW" : "BruteforceSearch";
}

std::string hex(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(v));
  return text;
}

}  // namespace

NativeHeader native_header_for(NativeKind kind, const Space& space, std::uint64_t capacity, std::uint64_t count,
                               std::uint64_t record_bytes) {
  NativeHeader h;
  h.kind = kind;
  h.metric = space.metric();
  h.precision = space.precision();
  h.dim = space.dim();
  h.capacity = capacity;
  h.count = count;
  h.record_bytes = record_bytes;
  h.m = 0;
  h.ef_construction = 0;
  h.level_mult = 0.0;
  h.entry_point = 0xFFFFFFFFu;
  h.max_level = -1;
  h.body_bytes = 0;
  h.body_crc = 0;
  return h;
}

bool is_native_magic(std::uint64_t first_bytes) { return std::memcmp(&first_bytes, kMagic, sizeof kMagic) == 0; }

void write_native_header(const NativeHeader& h, ByteWriter& out) {
  require_little_endian();
  std::uint8_t header[kNativeHeaderBytes] = {};
  std::memcpy(header, kMagic, sizeof kMagic);
  store<std::uint32_t>(header, kVersion, kNativeVersion);
  store<std::uint32_t>(header, kKind, static_cast<std::uint32_t>(h.kind));
  store<std::uint32_t>(header, kMetric, metric_code(h.metric));
  store<std::uint32_t>(header, kPrecision, static_cast<std::uint32_t>(h.precision));
  store<std::uint32_t>(header, kScheme, scheme_of(h.precision, h.metric));
  store<std::uint32_t>(header, kReserved, 0);
  store<std::uint64_t>(header, kDim, h.dim);
  store<std::uint64_t>(header, kCapacity, h.capacity);
  store<std::uint64_t>(header, kCount, h.count);
  store<std::uint64_t>(header, kRecordBytes, h.record_bytes);
  store<std::uint64_t>(header, kM, h.m);
  store<std::uint64_t>(header, kEfConstruction, h.ef_construction);
  store<double>(header, kLevelMult, h.level_mult);
  store<std::uint32_t>(header, kEntryPoint, h.entry_point);
  store<std::int32_t>(header, kMaxLevel, h.max_level);
  store<std::uint64_t>(header, kBodyBytes, h.body_bytes);
  store<std::uint32_t>(header, kBodyCrc, h.body_crc);
  store<std::uint32_t>(header, kHeaderCrc, crc32c(header, kHeaderCrc));
  out.write(header, sizeof header);
}

NativeHeader read_native_header(ByteReader& in, NativeKind kind, const Space& space) {
  // One copy of the header, read once: everything below is checked and taken from it.
  std::uint8_t header[kNativeHeaderBytes];
  std::memcpy(header, kMagic, sizeof kMagic);
  // The version comes before the CRC: a later version may lay out (and check) its header differently.
  in.read(header + kVersion, 4, kPart);
  const std::uint32_t version = load<std::uint32_t>(header, kVersion);
  if (version > kNativeVersion) {
    corrupt("written by a newer hnswkit: format version " + num(version) + ", this build reads " + num(kNativeVersion));
  }
  if (version != kNativeVersion) corrupt("format version " + num(version) + ", expected " + num(kNativeVersion));
  in.read(header + kKind, kNativeHeaderBytes - kKind, kPart);
  const std::uint32_t header_crc = crc32c(header, kHeaderCrc);
  if (header_crc != load<std::uint32_t>(header, kHeaderCrc)) {
    corrupt("the header's CRC-32C is " + hex(header_crc) + " but the header records " +
            hex(load<std::uint32_t>(header, kHeaderCrc)));
  }

  const std::uint32_t file_kind = load<std::uint32_t>(header, kKind);
  if (file_kind != static_cast<std::uint32_t>(NativeKind::kGraph) &&
      file_kind != static_cast<std::uint32_t>(NativeKind::kBruteForce)) {
    corrupt("header field kind is " + num(file_kind) + ", expected 1 (HierarchicalNSW) or 2 (BruteforceSearch)");
  }
  if (file_kind != static_cast<std::uint32_t>(kind)) {
    corrupt(std::string("this is a ") + kind_name(file_kind) + " index file, not a " +
            kind_name(static_cast<std::uint32_t>(kind)) + " one");
  }
  const std::uint32_t metric = load<std::uint32_t>(header, kMetric);
  if (metric > 2) corrupt("header field metric is " + num(metric) + ", expected 0 (l2), 1 (ip) or 2 (cosine)");
  const std::uint32_t precision = load<std::uint32_t>(header, kPrecision);
  if (precision > 2) corrupt("header field precision is " + num(precision) + ", expected 0 (f32), 1 (f16) or 2 (i8)");
  const std::uint32_t scheme = load<std::uint32_t>(header, kScheme);
  const std::uint32_t expected_scheme = scheme_of(static_cast<Precision>(precision), kMetricOfCode[metric]);
  if (scheme != expected_scheme) {
    corrupt("header field quantisation scheme is " + num(scheme) + ", expected " + num(expected_scheme) +
            " for precision '" + precision_name(static_cast<Precision>(precision)) + "' and metric '" +
            metric_name(kMetricOfCode[metric]) + "'");
  }
  const std::uint32_t reserved = load<std::uint32_t>(header, kReserved);
  if (reserved != 0) corrupt("header field reserved is " + num(reserved) + ", expected 0");

  NativeHeader h;
  h.kind = kind;
  h.metric = kMetricOfCode[metric];
  h.precision = static_cast<Precision>(precision);
  h.dim = load<std::uint64_t>(header, kDim);
  if (h.metric != space.metric() || h.dim != space.dim()) {
    corrupt("the file holds a " + num(h.dim) + "-dimensional '" + metric_name(h.metric) +
            "' index but this object was created as '" + metric_name(space.metric()) + "' with " + num(space.dim()) +
            " dimensions");
  }
  if (h.precision == Precision::kI8 && h.dim > kMaxI8Elements) {
    corrupt("the file holds " + num(h.dim) + "-dimensional i8 vectors, but i8 holds at most " + num(kMaxI8Elements));
  }
  h.capacity = load<std::uint64_t>(header, kCapacity);
  h.count = load<std::uint64_t>(header, kCount);
  h.record_bytes = load<std::uint64_t>(header, kRecordBytes);
  h.m = load<std::uint64_t>(header, kM);
  h.ef_construction = load<std::uint64_t>(header, kEfConstruction);
  h.level_mult = load<double>(header, kLevelMult);
  h.entry_point = load<std::uint32_t>(header, kEntryPoint);
  h.max_level = load<std::int32_t>(header, kMaxLevel);
  h.body_bytes = load<std::uint64_t>(header, kBodyBytes);
  h.body_crc = load<std::uint32_t>(header, kBodyCrc);
  if (h.body_bytes != in.remaining()) {
    corrupt("the header declares a body of " + num(h.body_bytes) + " bytes but " + num(in.remaining()) +
            " bytes follow it");
  }
  return h;
}

void check_body_crc(std::uint32_t computed, const NativeHeader& h) {
  if (computed != h.body_crc) {
    corrupt("the body's CRC-32C is " + hex(computed) + " but the header records " + hex(h.body_crc));
  }
}

}  // namespace hnswkit
