// hnswlib's HierarchicalNSW file format (docs/format.md 2): writing, and reading with full validation (4.1-4.5).
//
// Layout: a 96-byte header of fixed-width little-endian fields, the level-0 records of the used slots, then for
// every element a u32 byte count and its upper-level link lists. Nothing names the space or the dimension, so the
// reader checks the record geometry against the space it is given.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "index/hierarchical_nsw.h"
#include "io/byte_io.h"
#include "io/index_io.h"
#include "util/error.h"

namespace hnswkit {
namespace {

constexpr std::size_t kHeaderBytes = 96;

struct HnswHeader {
  std::uint64_t offset_level0;
  std::uint64_t max_elements;
  std::uint64_t element_count;
  std::uint64_t record_bytes;
  std::uint64_t label_offset;
  std::uint64_t vector_offset;
  std::int32_t max_level;
  std::uint32_t entry_point;
  std::uint64_t max_m;
  std::uint64_t max_m0;
  std::uint64_t m;
  double level_mult;
  std::uint64_t ef_construction;
};

[[noreturn]] void corrupt(const std::string& detail) {
  throw Error(ErrorCode::kCorruptFile, "Index seems to be corrupted or unsupported: " + detail);
}

std::string num(std::uint64_t v) { return std::to_string(v); }

bool host_is_little_endian() {
  const std::uint16_t probe = 1;
  std::uint8_t first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

void require_little_endian() {
  if (!host_is_little_endian()) {
    throw Error(ErrorCode::kIo, "hnswlib index files are little-endian; this machine is big-endian");
  }
}

HnswHeader read_header(ByteReader& in) {
  HnswHeader h;
  const char* what = "the 96-byte header";
  h.offset_level0 = in.get<std::uint64_t>(what);
  h.max_elements = in.get<std::uint64_t>(what);
  h.element_count = in.get<std::uint64_t>(what);
  h.record_bytes = in.get<std::uint64_t>(what);
  h.label_offset = in.get<std::uint64_t>(what);
  h.vector_offset = in.get<std::uint64_t>(what);
  h.max_level = in.get<std::int32_t>(what);
  h.entry_point = in.get<std::uint32_t>(what);
  h.max_m = in.get<std::uint64_t>(what);
  h.max_m0 = in.get<std::uint64_t>(what);
  h.m = in.get<std::uint64_t>(what);
  h.level_mult = in.get<double>(what);
  h.ef_construction = in.get<std::uint64_t>(what);
  return h;
}

// Checks the header against the space and against itself; every later size computation relies on these bounds.
void validate_header(const HnswHeader& h, const Space& space, std::size_t input_size) {
  if (h.offset_level0 != 0) corrupt("header field offsetLevel0 is " + num(h.offset_level0) + ", expected 0");
  if (h.m < 2 || h.m > HierarchicalNsw::kMaxM) {
    corrupt("header field M is " + num(h.m) + ", expected 2.." + num(HierarchicalNsw::kMaxM));
  }
  if (h.max_m != h.m) corrupt("header field maxM is " + num(h.max_m) + " but M is " + num(h.m));
  if (h.max_m0 != 2 * h.m) corrupt("header field maxM0 is " + num(h.max_m0) + ", expected 2*M = " + num(2 * h.m));
  const std::uint64_t links0 = 4 * h.max_m0 + 4;
  if (h.vector_offset != links0) {
    corrupt("header field offsetData is " + num(h.vector_offset) + ", expected 4*maxM0+4 = " + num(links0));
  }
  if (h.label_offset < h.vector_offset || h.label_offset - h.vector_offset != space.vector_bytes()) {
    const std::uint64_t bytes = h.label_offset >= h.vector_offset ? h.label_offset - h.vector_offset : 0;
    if (bytes % 4 == 0 && bytes > 0) {
      corrupt("the file holds " + num(bytes / 4) + "-dimensional vectors but the index was created with " +
              num(space.dim()) + " dimensions");
    }
    corrupt("header field label_offset is " + num(h.label_offset) +
            ", expected offsetData + 4*dim = " + num(h.vector_offset + space.vector_bytes()));
  }
  if (h.record_bytes != h.label_offset + 8) {
    corrupt("header field size_data_per_element is " + num(h.record_bytes) +
            ", expected label_offset+8 = " + num(h.label_offset + 8));
  }
  if (h.max_elements > HierarchicalNsw::kNoEntry) corrupt("header field max_elements is " + num(h.max_elements));
  if (h.element_count > h.max_elements) {
    corrupt("the file holds " + num(h.element_count) + " elements but declares capacity " + num(h.max_elements));
  }
  if (!std::isfinite(h.level_mult) || h.level_mult <= 0) corrupt("header field mult is not a positive number");
  if (h.element_count == 0) {
    if (h.entry_point != HierarchicalNsw::kNoEntry || h.max_level != -1) {
      corrupt("an empty index must have entry point 0xFFFFFFFF and max level -1");
    }
  } else {
    if (h.entry_point >= h.element_count) {
      corrupt("entry point " + num(h.entry_point) + " is not below the element count " + num(h.element_count));
    }
    if (h.max_level < 0) corrupt("max level " + std::to_string(h.max_level) + " is negative");
  }
  // The level-0 block must fit in the input before anything is allocated for it.
  const std::size_t available = input_size - kHeaderBytes;
  if (h.element_count > 0 && h.record_bytes > available / h.element_count) {
    corrupt("the file declares " + num(h.element_count) + " elements of " + num(h.record_bytes) + " bytes but holds " +
            num(input_size) + " bytes");
  }
}

}  // namespace

struct HnswCodec {
  static std::size_t serialized_size(const HierarchicalNsw& index) {
    std::size_t size = kHeaderBytes;
    const std::size_t count = index.count_.load();
    size += count * index.record_bytes_;
    for (std::size_t id = 0; id < count; ++id) {
      size += 4 + static_cast<std::size_t>(index.levels_[id]) * index.upper_block_bytes_;
    }
    return size;
  }

  static void write(const HierarchicalNsw& index, ByteWriter& out) {
    require_little_endian();
    const std::size_t count = index.count_.load();
    const std::uint32_t entry = index.entry_.load();
    out.put<std::uint64_t>(0);
    out.put<std::uint64_t>(index.capacity_);
    out.put<std::uint64_t>(count);
    out.put<std::uint64_t>(index.record_bytes_);
    out.put<std::uint64_t>(index.label_offset_);
    out.put<std::uint64_t>(index.vector_offset_);
    out.put<std::int32_t>(entry == HierarchicalNsw::kNoEntry ? -1 : index.levels_[entry]);
    out.put<std::uint32_t>(entry);
    out.put<std::uint64_t>(index.max_m_);
    out.put<std::uint64_t>(index.max_m0_);
    out.put<std::uint64_t>(index.m_);
    out.put<double>(index.level_mult_);
    out.put<std::uint64_t>(index.ef_construction_);
    out.write(index.level0_.data(), count * index.record_bytes_);
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t bytes = static_cast<std::uint32_t>(index.levels_[id]) *
                                  static_cast<std::uint32_t>(index.upper_block_bytes_);
      out.put<std::uint32_t>(bytes);
      if (bytes > 0) out.write(index.upper_[id], bytes);
    }
  }

  static std::unique_ptr<HierarchicalNsw> read(ByteReader& in, const Space& space, std::size_t max_elements,
                                               bool allow_replace_deleted) {
    require_little_endian();
    const HnswHeader h = read_header(in);
    validate_header(h, space, in.size());
    const std::size_t count = static_cast<std::size_t>(h.element_count);
    const std::size_t block = 4 + 4 * static_cast<std::size_t>(h.max_m);

    // Pass 1, before any allocation: every element's upper-level size must be whole blocks, within the max
    // level, and the lists must end exactly at the end of the input.
    in.seek(kHeaderBytes + count * h.record_bytes, "the level-0 block");
    std::vector<std::int32_t> levels(count);
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t bytes = in.get<std::uint32_t>("the upper-level link list sizes");
      if (bytes % block != 0) {
        corrupt("element " + num(id) + " has " + num(bytes) + " bytes of upper-level links, not a multiple of " +
                num(block));
      }
      const std::size_t level = bytes / block;
      if (level > static_cast<std::size_t>(h.max_level)) {
        corrupt("element " + num(id) + " has level " + num(level) + " above the max level " +
                std::to_string(h.max_level));
      }
      levels[id] = static_cast<std::int32_t>(level);
      in.seek(in.position() + bytes, "the upper-level link lists");
    }
    if (in.remaining() != 0) corrupt(num(in.remaining()) + " unexpected bytes after the last element");
    if (count > 0 && levels[h.entry_point] != h.max_level) {
      corrupt("entry point " + num(h.entry_point) + " has level " + std::to_string(levels[h.entry_point]) +
              " but the max level is " + std::to_string(h.max_level));
    }

    HnswParams params;
    params.max_elements = (max_elements > 0 && max_elements >= count) ? max_elements
                                                                      : static_cast<std::size_t>(h.max_elements);
    params.m = static_cast<std::size_t>(h.m);
    params.ef_construction = static_cast<std::size_t>(h.ef_construction);
    params.allow_replace_deleted = allow_replace_deleted;
    std::unique_ptr<HierarchicalNsw> index(new HierarchicalNsw(space, params));
    HierarchicalNsw& x = *index;

    // Pass 2: level-0 records straight into the slab, then checked.
    in.seek(kHeaderBytes, "the level-0 block");
    in.read(x.level0_.data(), count * x.record_bytes_, "the level-0 block");
    std::size_t deleted = 0;
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint8_t* header = reinterpret_cast<const std::uint8_t*>(x.record(static_cast<std::uint32_t>(id)));
      std::uint16_t n;
      std::memcpy(&n, header, sizeof(n));
      if (n > x.max_m0_) {
        corrupt("element " + num(id) + " has " + num(n) + " level-0 links, more than maxM0 = " + num(x.max_m0_));
      }
      const std::uint32_t* ids = reinterpret_cast<const std::uint32_t*>(header + 4);
      for (std::size_t i = 0; i < n; ++i) {
        if (ids[i] >= count) {
          corrupt("element " + num(id) + " links to " + num(ids[i]) + " on level 0, beyond the " + num(count) +
                  " elements");
        }
      }
      const std::uint32_t uid = static_cast<std::uint32_t>(id);
      x.levels_[id] = levels[id];
      // A label stored twice (possible after hnswlib's replace-deleted bug) maps to its later slot, as in hnswlib.
      x.map_label(x.label_of(uid), uid);
      if (x.deleted_flag(uid)) {
        ++deleted;
        if (allow_replace_deleted) x.free_slots_.push_back(uid);
      }
    }

    // Pass 3: upper-level lists; a link on level L must point at an element that has level L. The sizes are read
    // a second time here, and a file can change between two reads (another process saving over it in place), so
    // everything below trusts only pass 1's levels: a size that differs now is a file that changed underneath.
    in.seek(kHeaderBytes + count * h.record_bytes, "the upper-level link lists");
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t bytes = in.get<std::uint32_t>("the upper-level link list sizes");
      const std::size_t expected = static_cast<std::size_t>(levels[id]) * block;
      if (bytes != expected) {
        corrupt("element " + num(id) + " had " + num(expected) + " bytes of upper-level links and now has " +
                num(bytes) + ": the input changed while it was read");
      }
      if (bytes == 0) continue;
      x.set_upper(static_cast<std::uint32_t>(id), new std::uint8_t[expected]);
      in.read(x.upper_[id], expected, "the upper-level link lists");
      for (int level = 1; level <= levels[id]; ++level) {
        const std::uint8_t* header = x.link_header(static_cast<std::uint32_t>(id), level);
        std::uint16_t n;
        std::memcpy(&n, header, sizeof(n));
        if (n > x.max_m_) {
          corrupt("element " + num(id) + " has " + num(n) + " links on level " + std::to_string(level) +
                  ", more than maxM = " + num(x.max_m_));
        }
        const std::uint32_t* ids = reinterpret_cast<const std::uint32_t*>(header + 4);
        for (std::size_t i = 0; i < n; ++i) {
          if (ids[i] >= count || levels[ids[i]] < level) {
            corrupt("element " + num(id) + " links to " + num(ids[i]) + " on level " + std::to_string(level) +
                    ", which is not an element of that level");
          }
        }
      }
    }

    x.count_.store(count);
    x.deleted_count_.store(deleted);
    x.entry_.store(count == 0 ? HierarchicalNsw::kNoEntry : h.entry_point);
    return index;
  }
};

std::unique_ptr<HierarchicalNsw> read_hnsw_file(const std::string& path, const Space& space, std::size_t max_elements,
                                                bool allow_replace_deleted) {
  FileReader in(path);
  return HnswCodec::read(in, space, max_elements, allow_replace_deleted);
}

std::unique_ptr<HierarchicalNsw> read_hnsw_buffer(const std::uint8_t* data, std::size_t size, const Space& space,
                                                  std::size_t max_elements, bool allow_replace_deleted) {
  MemoryReader in(data, size);
  return HnswCodec::read(in, space, max_elements, allow_replace_deleted);
}

void write_hnsw_file(const HierarchicalNsw& index, const std::string& path) {
  write_index_file<HnswCodec>(index, path);
}

std::vector<std::uint8_t> write_hnsw_buffer(const HierarchicalNsw& index) {
  return write_index_buffer<HnswCodec>(index);
}

std::size_t hnsw_serialized_size(const HierarchicalNsw& index) {
  std::size_t size = 0;
  index.with_writes_paused([&] { size = HnswCodec::serialized_size(index); });
  return size;
}

}  // namespace hnswkit
