// hnswlib's BruteforceSearch file format (docs/format.md 3, checks 4.6): a 24-byte header, then every capacity slot.
#include <cstring>
#include <string>

#include "index/brute_force.h"
#include "io/byte_io.h"
#include "io/index_io.h"
#include "util/error.h"

namespace hnswkit {
namespace {

constexpr std::size_t kHeaderBytes = 24;

[[noreturn]] void corrupt(const std::string& detail) {
  throw Error(ErrorCode::kCorruptFile, "Index seems to be corrupted or unsupported: " + detail);
}

std::string num(std::uint64_t v) { return std::to_string(v); }

}  // namespace

struct BruteForceCodec {
  static std::size_t serialized_size(const BruteForce& index) {
    return kHeaderBytes + index.capacity_ * index.slot_bytes_;
  }

  // Unused slots are written as zeros (hnswlib writes whatever the heap held there), so files are reproducible.
  static void write(const BruteForce& index, ByteWriter& out) {
    out.put<std::uint64_t>(index.capacity_);
    out.put<std::uint64_t>(index.slot_bytes_);
    out.put<std::uint64_t>(index.count_);
    out.write(index.slots_.data(), index.count_ * index.slot_bytes_);
    out.zeros((index.capacity_ - index.count_) * index.slot_bytes_);
  }

  static std::unique_ptr<BruteForce> read(ByteReader& in, const Space& space) {
    const char* what = "the 24-byte header";
    const std::uint64_t capacity = in.get<std::uint64_t>(what);
    const std::uint64_t slot_bytes = in.get<std::uint64_t>(what);
    const std::uint64_t count = in.get<std::uint64_t>(what);
    const std::uint64_t expected_slot = space.vector_bytes() + 8;
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

    std::unique_ptr<BruteForce> index(new BruteForce(space, static_cast<std::size_t>(capacity)));
    BruteForce& x = *index;
    in.read(x.slots_.data(), static_cast<std::size_t>(count * slot_bytes), "the slots");
    x.count_ = static_cast<std::size_t>(count);
    // The label map is not in the file; it is rebuilt here (hnswlib forgets to, so its removals then fail).
    for (std::size_t slot = 0; slot < x.count_; ++slot) x.map_label(x.label_at(slot), slot);
    return index;
  }
};

std::unique_ptr<BruteForce> read_brute_force_file(const std::string& path, const Space& space) {
  FileReader in(path);
  return BruteForceCodec::read(in, space);
}

std::unique_ptr<BruteForce> read_brute_force_buffer(const std::uint8_t* data, std::size_t size, const Space& space) {
  MemoryReader in(data, size);
  return BruteForceCodec::read(in, space);
}

void write_brute_force_file(const BruteForce& index, const std::string& path) {
  write_index_file<BruteForceCodec>(index, path);
}

std::vector<std::uint8_t> write_brute_force_buffer(const BruteForce& index) {
  return write_index_buffer<BruteForceCodec>(index);
}

}  // namespace hnswkit
