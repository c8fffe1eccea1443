// BruteforceSearch files in both formats: hnswlib's (docs/format.md 3, checks 4.6) for float32 indexes, a 24-byte
// header then every capacity slot, and the native one (6) for f16 and i8, a 112-byte header then the used slots.
#include <memory>
#include <string>
#include <vector>

#include "index/brute_force.h"
#include "io/byte_io.h"
#include "io/index_io.h"
#include "io/native_header.h"
#include "io/record_reader.h"
#include "util/crc32c.h"
#include "util/error.h"

namespace hnswkit {
namespace {

constexpr std::size_t kHnswlibHeaderBytes = 24;
const char* const kHnswlibHeaderPart = "the 24-byte header";

// The fields a brute-force native header does not use, and the values they must hold (6.2).
void check_unused_graph_fields(const NativeHeader& h) {
  if (h.m != 0 || h.ef_construction != 0 || h.level_mult != 0.0 || h.entry_point != 0xFFFFFFFFu || h.max_level != -1) {
    corrupt(
        "a BruteforceSearch header must have M 0, ef_construction 0, mult 0, entry point 0xFFFFFFFF and max "
        "level -1");
  }
}

}  // namespace

struct BruteForceCodec {
  // hnswlib's format holds float32 vectors only; f16 and i8 indexes are written in the native one (6.1).
  static bool native(const BruteForce& index) { return index.space_.precision() != Precision::kF32; }

  static std::size_t serialized_size(const BruteForce& index) {
    if (native(index)) return kNativeHeaderBytes + index.count_ * index.slot_bytes_;
    return kHnswlibHeaderBytes + index.capacity_ * index.slot_bytes_;
  }

  static void write(const BruteForce& index, ByteWriter& out) {
    const std::size_t used = index.count_ * index.slot_bytes_;
    if (native(index)) {
      NativeHeader h = native_header_for(NativeKind::kBruteForce, index.space_, index.capacity_, index.count_,
                                         index.slot_bytes_);
      h.body_bytes = used;
      h.body_crc = crc32c(index.slots_.data(), used);
      write_native_header(h, out);
      out.write(index.slots_.data(), used);
      return;
    }
    // Unused slots are written as zeros (hnswlib writes whatever the heap held there), so files are reproducible.
    out.put<std::uint64_t>(index.capacity_);
    out.put<std::uint64_t>(index.slot_bytes_);
    out.put<std::uint64_t>(index.count_);
    out.write(index.slots_.data(), used);
    out.zeros((index.capacity_ - index.count_) * index.slot_bytes_);
  }

  static std::unique_ptr<BruteForce> read(ByteReader& in, const Space& space, bool convert) {
    const std::uint64_t first_bytes = in.get<std::uint64_t>(kHnswlibHeaderPart);
    if (is_native_magic(first_bytes)) {
      require_little_endian();
      const NativeHeader h = read_native_header(in, NativeKind::kBruteForce, space);
      const Space file_space(space.metric(), space.dim(), h.precision);
      check_unused_graph_fields(h);
      const std::uint64_t slot_bytes = file_space.vector_bytes() + 8;
      if (h.record_bytes != slot_bytes) {
        corrupt("header field record_bytes is " + num(h.record_bytes) + ", expected " + num(file_space.vector_bytes()) +
                " + 8 = " + num(slot_bytes));
      }
      if (h.count > h.capacity) {
        corrupt("the file holds " + num(h.count) + " elements but declares capacity " + num(h.capacity));
      }
      if (h.count > h.body_bytes / slot_bytes || h.count * slot_bytes != h.body_bytes) {
        corrupt("the file declares " + num(h.count) + " slots of " + num(slot_bytes) + " bytes but holds " +
                num(h.body_bytes) + " bytes after the header");
      }
      return read_slots(in, h.capacity, h.count, &h, file_space, convert ? space : file_space);
    }

    const char* what = kHnswlibHeaderPart;
    const std::uint64_t capacity = first_bytes;
    const std::uint64_t slot_bytes = in.get<std::uint64_t>(what);
    const std::uint64_t count = in.get<std::uint64_t>(what);
    const Space file_space(space.metric(), space.dim(), Precision::kF32);
    const std::uint64_t expected_slot = file_space.vector_bytes() + 8;
    if (slot_bytes != expected_slot) {
      if (slot_bytes > 8 && (slot_bytes - 8) % 4 == 0) {
        corrupt("the file holds " + num((slot_bytes - 8) / 4) + "-dimensional vectors but the index was created with " +
                num(space.dim()) + " dimensions");
      }
      corrupt("slot size is " + num(slot_bytes) + " bytes, expected 4*dim+8 = " + num(expected_slot));
    }
    if (count > capacity) corrupt("the file holds " + num(count) + " elements but declares capacity " + num(capacity));
    const std::size_t body = in.remaining();
    if (capacity > body / slot_bytes || capacity * slot_bytes != body) {
      corrupt("the file declares " + num(capacity) + " slots of " + num(slot_bytes) + " bytes but holds " + num(body) +
              " bytes after the header");
    }
    return read_slots(in, capacity, count, nullptr, file_space, convert ? space : file_space);
  }

  // Reads the `count` used slots at the input's position (native: not null, and its body CRC is checked), whose
  // vectors have the form of file_space, into an index of target_space with this capacity (6.7).
  static std::unique_ptr<BruteForce> read_slots(ByteReader& in, std::uint64_t capacity, std::uint64_t count,
                                                const NativeHeader* native, const Space& file_space,
                                                const Space& target_space) {
    std::unique_ptr<BruteForce> index(new BruteForce(target_space, static_cast<std::size_t>(capacity)));
    BruteForce& x = *index;
    Crc32c crc;
    FirstProblem problem;
    read_records(in,
                 RecordCopy{static_cast<std::size_t>(count), 0, file_space, target_space, x.slots_.data(), "slot",
                            "the slots"},
                 native != nullptr ? &crc : nullptr, problem);
    if (native != nullptr) check_body_crc(crc.value(), *native);
    problem.raise();
    x.count_ = static_cast<std::size_t>(count);
    // The label map is not in the file; it is rebuilt here (hnswlib forgets to, so its removals then fail).
    for (std::size_t slot = 0; slot < x.count_; ++slot) x.map_label(x.label_at(slot), slot);
    return index;
  }
};

std::unique_ptr<BruteForce> read_brute_force_file(const std::string& path, const Space& space, bool convert) {
  FileReader in(path);
  return BruteForceCodec::read(in, space, convert);
}

std::unique_ptr<BruteForce> read_brute_force_buffer(const std::uint8_t* data, std::size_t size, const Space& space,
                                                    bool convert) {
  MemoryReader in(data, size);
  return BruteForceCodec::read(in, space, convert);
}

void write_brute_force_file(const BruteForce& index, const std::string& path) {
  write_index_file<BruteForceCodec>(index, path);
}

std::vector<std::uint8_t> write_brute_force_buffer(const BruteForce& index) {
  return write_index_buffer<BruteForceCodec>(index);
}

}  // namespace hnswkit
