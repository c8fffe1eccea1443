// HierarchicalNSW files in both formats (docs/format.md 2 and 6): hnswlib's for float32 indexes, the native one for
// f16 and i8, and reading either with full validation (4.1-4.5, 6.6) and conversion to another precision (6.7).
//
// The two formats differ only in their headers: each is reduced to a GraphHeader, and one body reader serves both.
// The body is the level-0 records of the used slots, then for every element a u32 byte count and its upper-level
// link lists.
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "index/hierarchical_nsw.h"
#include "io/byte_io.h"
#include "io/index_io.h"
#include "io/native_header.h"
#include "io/record_reader.h"
#include "util/crc32c.h"
#include "util/error.h"

namespace hnswkit {
namespace {

constexpr std::size_t kHnswlibHeaderBytes = 96;
const char* const kHnswlibHeaderPart = "the 96-byte header";

// What a graph file's header says, whichever format it came in: the body reader's input.
struct GraphHeader {
  std::size_t header_bytes;  // where the body starts
  std::uint64_t max_elements;
  std::uint64_t element_count;
  std::uint64_t record_bytes;
  std::uint64_t m;
  std::uint64_t ef_construction;
  double level_mult;
  std::int32_t max_level;
  std::uint32_t entry_point;
};

void check_m(std::uint64_t m) {
  if (m < 2 || m > HierarchicalNsw::kMaxM) {
    corrupt("header field M is " + num(m) + ", expected 2.." + num(HierarchicalNsw::kMaxM));
  }
}

// hnswlib's header (2.2), checked against the float32 space of the file and against itself (4.2). Its first field,
// `offsetLevel0`, has been read already (as first_bytes), while telling the formats apart.
GraphHeader read_hnswlib_header(ByteReader& in, std::uint64_t first_bytes, const Space& file_space) {
  const char* what = kHnswlibHeaderPart;
  const std::uint64_t offset_level0 = first_bytes;
  GraphHeader g;
  g.header_bytes = kHnswlibHeaderBytes;
  g.max_elements = in.get<std::uint64_t>(what);
  g.element_count = in.get<std::uint64_t>(what);
  g.record_bytes = in.get<std::uint64_t>(what);
  const std::uint64_t label_offset = in.get<std::uint64_t>(what);
  const std::uint64_t vector_offset = in.get<std::uint64_t>(what);
  g.max_level = in.get<std::int32_t>(what);
  g.entry_point = in.get<std::uint32_t>(what);
  const std::uint64_t max_m = in.get<std::uint64_t>(what);
  const std::uint64_t max_m0 = in.get<std::uint64_t>(what);
  g.m = in.get<std::uint64_t>(what);
  g.level_mult = in.get<double>(what);
  g.ef_construction = in.get<std::uint64_t>(what);

  if (offset_level0 != 0) corrupt("header field offsetLevel0 is " + num(offset_level0) + ", expected 0");
  check_m(g.m);
  if (max_m != g.m) corrupt("header field maxM is " + num(max_m) + " but M is " + num(g.m));
  if (max_m0 != 2 * g.m) corrupt("header field maxM0 is " + num(max_m0) + ", expected 2*M = " + num(2 * g.m));
  const std::uint64_t links0 = 4 * max_m0 + 4;
  if (vector_offset != links0) {
    corrupt("header field offsetData is " + num(vector_offset) + ", expected 4*maxM0+4 = " + num(links0));
  }
  const std::size_t vector_bytes = file_space.vector_bytes();
  if (label_offset < vector_offset || label_offset - vector_offset != vector_bytes) {
    const std::uint64_t bytes = label_offset >= vector_offset ? label_offset - vector_offset : 0;
    if (bytes % 4 == 0 && bytes > 0) {
      corrupt("the file holds " + num(bytes / 4) + "-dimensional vectors but the index was created with " +
              num(file_space.dim()) + " dimensions");
    }
    corrupt("header field label_offset is " + num(label_offset) +
            ", expected offsetData + 4*dim = " + num(vector_offset + vector_bytes));
  }
  if (g.record_bytes != label_offset + 8) {
    corrupt("header field size_data_per_element is " + num(g.record_bytes) +
            ", expected label_offset+8 = " + num(label_offset + 8));
  }
  return g;
}

// The native header's graph fields (6.2), checked against the geometry its M and precision give (6.6).
GraphHeader graph_header_of(const NativeHeader& h, const Space& file_space) {
  check_m(h.m);
  const std::uint64_t record_bytes = 4 + 8 * h.m + file_space.vector_bytes() + 8;
  if (h.record_bytes != record_bytes) {
    corrupt("header field record_bytes is " + num(h.record_bytes) + ", expected 4 + 8*M + " +
            num(file_space.vector_bytes()) + " + 8 = " + num(record_bytes));
  }
  GraphHeader g;
  g.header_bytes = kNativeHeaderBytes;
  g.max_elements = h.capacity;
  g.element_count = h.count;
  g.record_bytes = h.record_bytes;
  g.m = h.m;
  g.ef_construction = h.ef_construction;
  g.level_mult = h.level_mult;
  g.max_level = h.max_level;
  g.entry_point = h.entry_point;
  return g;
}

// The checks both formats' headers need (4.2); every later size computation relies on these bounds.
void validate_graph_header(const GraphHeader& g, std::size_t input_size) {
  if (g.max_elements > HierarchicalNsw::kNoEntry) corrupt("header field max_elements is " + num(g.max_elements));
  if (g.element_count > g.max_elements) {
    corrupt("the file holds " + num(g.element_count) + " elements but declares capacity " + num(g.max_elements));
  }
  if (!std::isfinite(g.level_mult) || g.level_mult <= 0) corrupt("header field mult is not a positive number");
  if (g.element_count == 0) {
    if (g.entry_point != HierarchicalNsw::kNoEntry || g.max_level != -1) {
      corrupt("an empty index must have entry point 0xFFFFFFFF and max level -1");
    }
  } else {
    if (g.entry_point >= g.element_count) {
      corrupt("entry point " + num(g.entry_point) + " is not below the element count " + num(g.element_count));
    }
    if (g.max_level < 0) corrupt("max level " + std::to_string(g.max_level) + " is negative");
  }
  // The level-0 block must fit in the input before anything is allocated for it.
  const std::size_t available = input_size - g.header_bytes;
  if (g.element_count > 0 && g.record_bytes > available / g.element_count) {
    corrupt("the file declares " + num(g.element_count) + " elements of " + num(g.record_bytes) + " bytes but holds " +
            num(input_size) + " bytes");
  }
}

}  // namespace

struct HnswCodec {
  // Calls piece(bytes, n) for each run of the body (2.3, 2.4) in file order: the level-0 records of the first
  // `count` elements, then each element's upper-level byte count and lists.
  template <typename Piece>
  static void for_each_body_piece(const HierarchicalNsw& index, std::size_t count, Piece&& piece) {
    piece(index.level0_.data(), count * index.record_bytes_);
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t bytes = static_cast<std::uint32_t>(index.levels_[id]) *
                                  static_cast<std::uint32_t>(index.upper_block_bytes_);
      piece(&bytes, sizeof bytes);
      if (bytes > 0) piece(index.upper_[id], bytes);
    }
  }

  static std::size_t body_size(const HierarchicalNsw& index, std::size_t count) {
    std::size_t size = 0;
    for_each_body_piece(index, count, [&](const void*, std::size_t n) { size += n; });
    return size;
  }

  // hnswlib's format holds float32 vectors only; f16 and i8 indexes are written in the native one (6.1).
  static bool native(const HierarchicalNsw& index) { return index.space_.precision() != Precision::kF32; }

  static std::size_t serialized_size(const HierarchicalNsw& index) {
    return (native(index) ? kNativeHeaderBytes : kHnswlibHeaderBytes) + body_size(index, index.count_.load());
  }

  static void write(const HierarchicalNsw& index, ByteWriter& out) {
    require_little_endian();
    const std::size_t count = index.count_.load();
    const std::uint32_t entry = index.entry_.load();
    const std::int32_t max_level = entry == HierarchicalNsw::kNoEntry ? -1 : index.levels_[entry];
    if (native(index)) {
      NativeHeader h = native_header_for(NativeKind::kGraph, index.space_, index.capacity_, count, index.record_bytes_);
      h.m = index.m_;
      h.ef_construction = index.ef_construction_;
      h.level_mult = index.level_mult_;
      h.entry_point = entry;
      h.max_level = max_level;
      h.body_bytes = body_size(index, count);
      // The checksum goes before the body, so the body is read twice; writes are paused meanwhile.
      Crc32c crc;
      for_each_body_piece(index, count, [&](const void* bytes, std::size_t n) { crc.update(bytes, n); });
      h.body_crc = crc.value();
      write_native_header(h, out);
    } else {
      out.put<std::uint64_t>(0);
      out.put<std::uint64_t>(index.capacity_);
      out.put<std::uint64_t>(count);
      out.put<std::uint64_t>(index.record_bytes_);
      out.put<std::uint64_t>(index.label_offset_);
      out.put<std::uint64_t>(index.vector_offset_);
      out.put<std::int32_t>(max_level);
      out.put<std::uint32_t>(entry);
      out.put<std::uint64_t>(index.max_m_);
      out.put<std::uint64_t>(index.max_m0_);
      out.put<std::uint64_t>(index.m_);
      out.put<double>(index.level_mult_);
      out.put<std::uint64_t>(index.ef_construction_);
    }
    for_each_body_piece(index, count, [&](const void* bytes, std::size_t n) { out.write(bytes, n); });
  }

  static std::unique_ptr<HierarchicalNsw> read(ByteReader& in, const Space& space, bool convert,
                                               std::size_t max_elements, bool allow_replace_deleted) {
    require_little_endian();
    const std::uint64_t first_bytes = in.get<std::uint64_t>(kHnswlibHeaderPart);
    if (is_native_magic(first_bytes)) {
      const NativeHeader h = read_native_header(in, NativeKind::kGraph, space);
      const Space file_space(space.metric(), space.dim(), h.precision);
      const GraphHeader g = graph_header_of(h, file_space);
      return read_body(in, g, &h, file_space, convert ? space : file_space, max_elements, allow_replace_deleted);
    }
    const Space file_space(space.metric(), space.dim(), Precision::kF32);
    const GraphHeader g = read_hnswlib_header(in, first_bytes, file_space);
    return read_body(in, g, nullptr, file_space, convert ? space : file_space, max_elements, allow_replace_deleted);
  }

  // Pass 1 of both readers, before any allocation: every element's upper-level size must be whole blocks, within the
  // max level, and the lists must end exactly at the end of the input. Returns each element's level.
  static std::vector<std::int32_t> read_levels(ByteReader& in, const GraphHeader& g) {
    const std::size_t count = static_cast<std::size_t>(g.element_count);
    const std::size_t block = 4 + 4 * static_cast<std::size_t>(g.m);
    in.seek(g.header_bytes + count * g.record_bytes, "the level-0 block");
    std::vector<std::int32_t> levels(count);
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t bytes = in.get<std::uint32_t>("the upper-level link list sizes");
      if (bytes % block != 0) {
        corrupt("element " + num(id) + " has " + num(bytes) + " bytes of upper-level links, not a multiple of " +
                num(block));
      }
      const std::size_t level = bytes / block;
      if (level > static_cast<std::size_t>(g.max_level)) {
        corrupt("element " + num(id) + " has level " + num(level) + " above the max level " +
                std::to_string(g.max_level));
      }
      levels[id] = static_cast<std::int32_t>(level);
      in.seek(in.position() + bytes, "the upper-level link lists");
    }
    if (in.remaining() != 0) corrupt(num(in.remaining()) + " unexpected bytes after the last element");
    if (count > 0 && levels[g.entry_point] != g.max_level) {
      corrupt("entry point " + num(g.entry_point) + " has level " + std::to_string(levels[g.entry_point]) +
              " but the max level is " + std::to_string(g.max_level));
    }
    return levels;
  }

  // A read-only index over a mapped file (docs/format.md 4.8): the header is checked as for a load, and pass 1 reads
  // every element's upper-level byte count, the one walk over the file's tail, pointing the index at its lists in
  // place. Nothing else is read now: the level-0 records are read as searches reach them, which bound every link
  // count and id as they read it (take_unvisited, greedy_descent), and a native body's CRC is not checked, since
  // that would read the whole file.
  static std::unique_ptr<HierarchicalNsw> map(const std::shared_ptr<const MappedFile>& file, const Space& space,
                                              bool convert, bool allow_replace_deleted) {
    require_little_endian();
    MemoryReader in(file->data(), file->size());
    const std::uint64_t first_bytes = in.get<std::uint64_t>(kHnswlibHeaderPart);
    const bool is_native = is_native_magic(first_bytes);
    const NativeHeader native = is_native ? read_native_header(in, NativeKind::kGraph, space) : NativeHeader{};
    const Space file_space(space.metric(), space.dim(), is_native ? native.precision : Precision::kF32);
    const GraphHeader g = is_native ? graph_header_of(native, file_space)
                                    : read_hnswlib_header(in, first_bytes, file_space);
    if (convert && file_space.precision() != space.precision()) {
      throw Error(ErrorCode::kInvalidArgument,
                  std::string("the file holds ") + precision_name(file_space.precision()) +
                      " vectors but the index was created with precision '" + precision_name(space.precision()) +
                      "': a mapped file is used as it is; load it without mmap to convert it");
    }
    validate_graph_header(g, in.size());
    const std::vector<std::int32_t> levels = read_levels(in, g);

    const std::size_t count = static_cast<std::size_t>(g.element_count);
    HnswParams params;
    params.m = static_cast<std::size_t>(g.m);
    params.ef_construction = static_cast<std::size_t>(g.ef_construction);
    params.allow_replace_deleted = allow_replace_deleted;
    std::unique_ptr<HierarchicalNsw> index(new HierarchicalNsw(file_space, params));
    HierarchicalNsw& x = *index;
    CallocArray<std::int32_t> level_array;
    CallocArray<std::uint8_t*> upper_array;
    if (!level_array.allocate(count) || !upper_array.allocate(count)) {
      throw Error(ErrorCode::kOutOfMemory, "not enough memory for the levels of " + num(count) + " elements");
    }
    x.levels_.swap(level_array);
    x.upper_.swap(upper_array);
    x.visited_.reset(new VisitedPool(count == 0 ? 1 : count));
    auto* bytes = const_cast<std::uint8_t*>(file->data());
    std::size_t position = g.header_bytes + count * static_cast<std::size_t>(g.record_bytes);
    for (std::size_t id = 0; id < count; ++id) {
      x.levels_[id] = levels[id];
      const std::size_t lists = static_cast<std::size_t>(levels[id]) * x.upper_block_bytes_;
      // Never freed: upper_extent_ stays 0, so the destructor leaves these pointers into the file alone.
      if (lists > 0) x.upper_[id] = bytes + position + 4;
      position += 4 + lists;
    }
    x.level0_.borrow(reinterpret_cast<char*>(bytes + g.header_bytes), count * static_cast<std::size_t>(g.record_bytes));
    x.capacity_ = static_cast<std::size_t>(g.max_elements);
    x.link_bound_ = static_cast<std::uint32_t>(count);
    x.mapping_ = file;
    x.labels_ready_.store(false);
    x.count_.store(count);
    x.entry_.store(count == 0 ? HierarchicalNsw::kNoEntry : g.entry_point);
    return index;
  }

  // Reads the body after a header of either format (native: not null, and its body CRC is checked), whose vectors
  // have the form of file_space, into an index of target_space (4.3-4.5, 6.6, 6.7).
  static std::unique_ptr<HierarchicalNsw> read_body(ByteReader& in, const GraphHeader& g, const NativeHeader* native,
                                                    const Space& file_space, const Space& target_space,
                                                    std::size_t max_elements, bool allow_replace_deleted) {
    validate_graph_header(g, in.size());
    const std::size_t count = static_cast<std::size_t>(g.element_count);
    const std::size_t block = 4 + 4 * static_cast<std::size_t>(g.m);
    const std::size_t upper_start = g.header_bytes + count * g.record_bytes;

    const std::vector<std::int32_t> levels = read_levels(in, g);

    HnswParams params;
    params.max_elements = (max_elements > 0 && max_elements >= count) ? max_elements
                                                                      : static_cast<std::size_t>(g.max_elements);
    params.m = static_cast<std::size_t>(g.m);
    params.ef_construction = static_cast<std::size_t>(g.ef_construction);
    params.allow_replace_deleted = allow_replace_deleted;
    std::unique_ptr<HierarchicalNsw> index(new HierarchicalNsw(target_space, params));
    HierarchicalNsw& x = *index;
    Crc32c crc;
    Crc32c* body_crc = native != nullptr ? &crc : nullptr;
    FirstProblem problem;

    // Pass 2: the level-0 records into the slab, their vectors checked and, if asked, converted.
    in.seek(g.header_bytes, "the level-0 block");
    read_records(in,
                 RecordCopy{count, x.links0_bytes_, file_space, target_space, x.level0_.data(), "element",
                            "the level-0 block"},
                 body_crc, problem);

    // Pass 3: the upper-level lists. The sizes are read a second time here, and a file can change between two
    // reads (another process saving over it in place), so everything below trusts only pass 1's levels: a size
    // that differs now is a file that changed underneath.
    in.seek(upper_start, "the upper-level link lists");
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t bytes = in.get<std::uint32_t>("the upper-level link list sizes");
      const std::size_t expected = static_cast<std::size_t>(levels[id]) * block;
      if (bytes != expected) {
        corrupt("element " + num(id) + " had " + num(expected) + " bytes of upper-level links and now has " +
                num(bytes) + ": the input changed while it was read");
      }
      if (body_crc != nullptr) body_crc->update(&bytes, sizeof bytes);
      if (bytes == 0) continue;
      x.set_upper(static_cast<std::uint32_t>(id), new std::uint8_t[expected]);
      in.read(x.upper_[id], expected, "the upper-level link lists");
      if (body_crc != nullptr) body_crc->update(x.upper_[id], expected);
    }

    // The body is all in memory now: a damaged one is reported as such before any of its fields.
    if (native != nullptr) check_body_crc(crc.value(), *native);
    problem.raise();
    check_links(x, levels, allow_replace_deleted);
    x.entry_.store(count == 0 ? HierarchicalNsw::kNoEntry : g.entry_point);
    return index;
  }

  // Checks every link of the records and lists in memory (4.4, 4.5), and rebuilds what the file does not hold:
  // levels, the label map, the deleted count and the free slots; then publishes the count.
  static void check_links(HierarchicalNsw& x, const std::vector<std::int32_t>& levels, bool allow_replace_deleted) {
    const std::size_t count = levels.size();
    std::size_t deleted = 0;
    for (std::size_t id = 0; id < count; ++id) {
      const std::uint32_t uid = static_cast<std::uint32_t>(id);
      for (int level = 0; level <= levels[id]; ++level) {
        const std::uint8_t* header = x.link_header(uid, level);
        std::uint16_t n;
        std::memcpy(&n, header, sizeof(n));
        const std::uint32_t* ids = reinterpret_cast<const std::uint32_t*>(header + 4);
        if (level == 0) {
          if (n > x.max_m0_) {
            corrupt("element " + num(id) + " has " + num(n) + " level-0 links, more than maxM0 = " + num(x.max_m0_));
          }
          for (std::size_t i = 0; i < n; ++i) {
            if (ids[i] >= count) {
              corrupt("element " + num(id) + " links to " + num(ids[i]) + " on level 0, beyond the " + num(count) +
                      " elements");
            }
          }
          continue;
        }
        if (n > x.max_m_) {
          corrupt("element " + num(id) + " has " + num(n) + " links on level " + std::to_string(level) +
                  ", more than maxM = " + num(x.max_m_));
        }
        // A link on level L must point at an element that has level L.
        for (std::size_t i = 0; i < n; ++i) {
          if (ids[i] >= count || levels[ids[i]] < level) {
            corrupt("element " + num(id) + " links to " + num(ids[i]) + " on level " + std::to_string(level) +
                    ", which is not an element of that level");
          }
        }
      }
      x.levels_[id] = levels[id];
      // A label stored twice (possible after hnswlib's replace-deleted bug) maps to its later slot, as in hnswlib.
      x.map_label(x.label_of(uid), uid);
      if (x.deleted_flag(uid)) {
        ++deleted;
        if (allow_replace_deleted) x.free_slots_.push_back(uid);
      }
    }
    x.count_.store(count);
    x.deleted_count_.store(deleted);
  }
};

std::unique_ptr<HierarchicalNsw> read_hnsw_file(const std::string& path, const Space& space, bool convert,
                                                std::size_t max_elements, bool allow_replace_deleted) {
  FileReader in(path);
  return HnswCodec::read(in, space, convert, max_elements, allow_replace_deleted);
}

std::unique_ptr<HierarchicalNsw> map_hnsw_file(const std::string& path, const Space& space, bool convert,
                                               bool allow_replace_deleted) {
  return HnswCodec::map(std::make_shared<const MappedFile>(path), space, convert, allow_replace_deleted);
}

std::unique_ptr<HierarchicalNsw> read_hnsw_buffer(const std::uint8_t* data, std::size_t size, const Space& space,
                                                  bool convert, std::size_t max_elements, bool allow_replace_deleted) {
  MemoryReader in(data, size);
  return HnswCodec::read(in, space, convert, max_elements, allow_replace_deleted);
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
