// Engine test: the native index format (docs/format.md 6): CRC-32C against RFC 3720's vectors, round trips of f16
// and i8 graphs and brute-force indexes, float32 indexes still in hnswlib's format, conversion between precisions on
// load, and hostile native files: every header field out of range, truncations, flipped bits, damaged i8 headers and
// a file rewritten while it is read.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "engine_test.h"
#include "io/index_io.h"
#include "io/native_header.h"
#include "util/crc32c.h"

using namespace hnswkit;

namespace engine_test {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr Metric kMetrics[] = {Metric::kL2, Metric::kInnerProduct, Metric::kCosine};
constexpr Precision kNarrow[] = {Precision::kF16, Precision::kI8};
constexpr std::uint8_t kMagic[8] = {0x89, 'H', 'K', 'X', '\r', '\n', 0x1A, '\n'};

// Declared here, so that they hide engine_test::kDim and the like.
using native_field::kBodyBytes, native_field::kBodyCrc, native_field::kCapacity, native_field::kCount,
    native_field::kDim, native_field::kEfConstruction, native_field::kEntryPoint, native_field::kHeaderCrc,
    native_field::kKind, native_field::kLevelMult, native_field::kM, native_field::kMaxLevel, native_field::kMetric,
    native_field::kPrecision, native_field::kRecordBytes, native_field::kReserved, native_field::kScheme,
    native_field::kVersion;
constexpr std::size_t kHeaderBytes = kNativeHeaderBytes;
// The offsets docs/format.md 6.2 gives.
static_assert(kVersion == 8 && kKind == 12 && kMetric == 16 && kPrecision == 20 && kScheme == 24 && kReserved == 28 &&
                  kDim == 32 && kCapacity == 40 && kCount == 48 && kRecordBytes == 56 && kM == 64 &&
                  kEfConstruction == 72 && kLevelMult == 80 && kEntryPoint == 88 && kMaxLevel == 92 &&
                  kBodyBytes == 96 && kBodyCrc == 104 && kHeaderCrc == 108 && kHeaderBytes == 112,
              "the native header's layout");

template <typename T>
void put(Bytes& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

template <typename T>
T get(const Bytes& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// Gives a native file valid checksums again after an edit: the body's (if asked), then the header's.
void reseal(Bytes& bytes, bool body = false) {
  if (body) put<std::uint32_t>(bytes, kBodyCrc, crc32c(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes));
  put<std::uint32_t>(bytes, kHeaderCrc, crc32c(bytes.data(), kHeaderCrc));
}

bool is_native(const Bytes& bytes) { return bytes.size() >= 8 && std::memcmp(bytes.data(), kMagic, 8) == 0; }

Bytes file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The message of the Error with this code that fn throws; fails if it throws nothing or another code.
template <typename Fn>
std::string error_of(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (e.code() != code) {
      throw std::runtime_error(std::string("expected ") + error_code_name(code) + ", got " + error_code_name(e.code()) +
                               ": " + e.what());
    }
    return e.what();
  }
  throw std::runtime_error(std::string("expected ") + error_code_name(code) + ", nothing thrown");
}

void check_contains(const std::string& message, const std::string& part) {
  if (message.find(part) == std::string::npos) {
    throw std::runtime_error("message \"" + message + "\" lacks \"" + part + "\"");
  }
}

std::unique_ptr<HierarchicalNsw> read_graph(const Bytes& bytes, const Space& space, bool convert = false) {
  return read_hnsw_buffer(bytes.data(), bytes.size(), space, convert, 0, false);
}

std::unique_ptr<BruteForce> read_exact(const Bytes& bytes, const Space& space, bool convert = false) {
  return read_brute_force_buffer(bytes.data(), bytes.size(), space, convert);
}

// A graph of `count` rows of make_data(count, dim, seed), labels 1000 + i, m = 6, capacity count + 20, with the
// element of label 1005 deleted.
std::unique_ptr<HierarchicalNsw> small_graph(const Space& space, std::size_t count, unsigned seed) {
  HnswParams params;
  params.max_elements = count + 20;
  params.m = 6;
  params.ef_construction = 40;
  auto index = std::make_unique<HierarchicalNsw>(space, params);
  const std::vector<float> data = make_data(count, space.dim(), seed);
  for (std::size_t i = 0; i < count; ++i) index->add(&data[i * space.dim()], 1000 + i);
  index->mark_deleted(1005);
  return index;
}

// A brute-force index of `count` rows of make_data(count, dim, seed), labels 1000 + i, capacity count + 10, with one
// removal (so the last slot moved).
std::unique_ptr<BruteForce> small_exact(const Space& space, std::size_t count, unsigned seed) {
  auto index = std::make_unique<BruteForce>(space, count + 10);
  const std::vector<float> data = make_data(count, space.dim(), seed);
  for (std::size_t i = 0; i < count; ++i) index->add(&data[i * space.dim()], 1000 + i);
  index->remove(1003);
  return index;
}

// The same labels and, to the bit, the same vectors.
template <typename Index>
void check_same_vectors(const Index& a, const Index& b, const std::vector<std::uint64_t>& labels) {
  for (std::uint64_t label : labels) CHECK(a.get_vector(label) == b.get_vector(label));
}

void check_same_hits(const SearchHits& a, const SearchHits& b) {
  CHECK(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].label == b[i].label && a[i].distance == b[i].distance);
}

std::vector<std::uint64_t> live_labels(const HierarchicalNsw& index) {
  std::vector<std::uint64_t> live;
  for (std::uint64_t label : index.labels()) {
    if (!index.is_deleted(label)) live.push_back(label);
  }
  return live;
}

// RFC 3720 appendix B.4, and the usual check value of "123456789"; pieces give the CRC of the whole.
void crc32c_vectors() {
  std::uint8_t zeros[32] = {}, ones[32], up[32], down[32];
  for (int i = 0; i < 32; ++i) {
    ones[i] = 0xFF;
    up[i] = static_cast<std::uint8_t>(i);
    down[i] = static_cast<std::uint8_t>(31 - i);
  }
  CHECK(crc32c(zeros, 32) == 0x8A9136AAu);
  CHECK(crc32c(ones, 32) == 0x62A8AB43u);
  CHECK(crc32c(up, 32) == 0x46DD794Eu);
  CHECK(crc32c(down, 32) == 0x113FDB5Cu);
  // The iSCSI read command PDU of B.4.
  const std::uint8_t read_pdu[48] = {0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                     0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  CHECK(crc32c(read_pdu, sizeof read_pdu) == 0xD9963A56u);
  CHECK(crc32c("123456789", 9) == 0xE3069283u);
  CHECK(crc32c(nullptr, 0) == 0);
  const std::vector<float> data = make_data(100, 7, 3);
  const std::uint32_t whole = crc32c(data.data(), data.size() * 4);
  for (std::size_t cut : {0, 1, 7, 8, 13, 399, 2800}) {
    Crc32c pieces;
    pieces.update(data.data(), cut);
    pieces.update(reinterpret_cast<const char*>(data.data()) + cut, data.size() * 4 - cut);
    CHECK(pieces.value() == whole);
  }
}

// What the round trip below needs of each kind of index: its files, a small index of it, and how it answers.
struct GraphKind {
  using Index = HierarchicalNsw;
  static std::unique_ptr<Index> make(const Space& space) { return small_graph(space, 400, 21); }
  static Bytes write(const Index& index) { return write_hnsw_buffer(index); }
  static void write_file(const Index& index, const std::string& path) { write_hnsw_file(index, path); }
  static std::unique_ptr<Index> read_file(const std::string& path, const Space& space) {
    return read_hnsw_file(path, space, false, 0, false);
  }
  static std::unique_ptr<Index> read(const Bytes& bytes, const Space& space, bool convert) {
    return read_graph(bytes, space, convert);
  }
  // The native header and the body: the used records and the upper lists.
  static void check_size(const Index& index, const Bytes& bytes) { CHECK(bytes.size() == hnsw_serialized_size(index)); }
  static void check_shape(const Index& index) {
    CHECK(index.deleted_count() == 1 && index.max_elements() == 420 && index.m() == 6);
  }
  static std::vector<std::uint64_t> live(const Index& index) { return live_labels(index); }
  static SearchHits search(const Index& index, const float* query) { return index.search(query, 10, nullptr, 50); }
};

struct BruteForceKind {
  using Index = BruteForce;
  static std::unique_ptr<Index> make(const Space& space) { return small_exact(space, 50, 22); }
  static Bytes write(const Index& index) { return write_brute_force_buffer(index); }
  static void write_file(const Index& index, const std::string& path) { write_brute_force_file(index, path); }
  static std::unique_ptr<Index> read_file(const std::string& path, const Space& space) {
    return read_brute_force_file(path, space, false);
  }
  static std::unique_ptr<Index> read(const Bytes& bytes, const Space& space, bool convert) {
    return read_exact(bytes, space, convert);
  }
  // Only the used slots are written.
  static void check_size(const Index& index, const Bytes& bytes) {
    CHECK(bytes.size() == kHeaderBytes + 49 * index.slot_bytes());
  }
  static void check_shape(const Index& index) { CHECK(index.max_elements() == 60 && index.count() == 49); }
  static std::vector<std::uint64_t> live(const Index& index) { return index.labels(); }
  static SearchHits search(const Index& index, const float* query) { return index.search(query, 7); }
};

// f16 and i8 indexes, each metric, through a file and a buffer: native bytes of the expected size, the same bytes
// saved again, the same answers and vectors. Loaded with a float32 space and convert off, an index keeps the file's
// precision; converted to the precision it has, it is unchanged.
template <typename Kind>
void round_trips() {
  const std::size_t dim = 13;
  const std::vector<float> queries = make_data(30, dim, 77);
  for (Precision precision : kNarrow) {
    for (Metric metric : kMetrics) {
      const Space space(metric, dim, precision);
      const std::unique_ptr<typename Kind::Index> index = Kind::make(space);
      const Bytes bytes = Kind::write(*index);
      CHECK(is_native(bytes));
      Kind::check_size(*index, bytes);
      CHECK(get<std::uint64_t>(bytes, kBodyBytes) == bytes.size() - kHeaderBytes);
      const std::string path = temp_path("native_round_trip.bin");
      Kind::write_file(*index, path);
      CHECK(file_bytes(path) == bytes);
      const Space f32(metric, dim);
      const auto from_file = Kind::read_file(path, f32);
      const auto from_buffer = Kind::read(bytes, f32, false);
      std::remove(path.c_str());
      for (const auto* loaded : {from_file.get(), from_buffer.get()}) {
        CHECK(loaded->space().precision() == precision);
        CHECK(Kind::write(*loaded) == bytes);
        Kind::check_shape(*loaded);
        CHECK(loaded->labels() == index->labels());
        check_same_vectors(*index, *loaded, Kind::live(*index));
        for (std::size_t q = 0; q < 30; ++q) {
          check_same_hits(Kind::search(*index, &queries[q * dim]), Kind::search(*loaded, &queries[q * dim]));
        }
      }
      CHECK(Kind::write(*Kind::read(bytes, space, true)) == bytes);
    }
  }
}

// Float32 indexes keep hnswlib's formats (Python hnswlib reads them): the graph's first u64 is 0, the brute-force
// header is 24 bytes before every slot; the same readers take them, whatever precision the space asks for when
// convert is off.
void float32_stays_hnswlib() {
  const Space space(Metric::kL2, 9);
  const std::unique_ptr<HierarchicalNsw> graph = small_graph(space, 200, 23);
  const Bytes bytes = write_hnsw_buffer(*graph);
  CHECK(get<std::uint64_t>(bytes, 0) == 0);
  CHECK(get<std::uint64_t>(bytes, 24) == graph->m() * 8 + 4 + 9 * 4 + 8);  // size_data_per_element
  CHECK(bytes.size() == hnsw_serialized_size(*graph));
  std::unique_ptr<HierarchicalNsw> loaded = read_graph(bytes, Space(Metric::kL2, 9, Precision::kI8));
  CHECK(loaded->space().precision() == Precision::kF32);
  CHECK(write_hnsw_buffer(*loaded) == bytes);

  const std::unique_ptr<BruteForce> exact = small_exact(space, 30, 24);
  const Bytes flat = write_brute_force_buffer(*exact);
  CHECK(get<std::uint64_t>(flat, 0) == 40 && flat.size() == 24 + 40 * (9 * 4 + 8));
  std::unique_ptr<BruteForce> flat_loaded = read_exact(flat, Space(Metric::kL2, 9, Precision::kF16));
  CHECK(flat_loaded->space().precision() == Precision::kF32);
  CHECK(write_brute_force_buffer(*flat_loaded) == flat);
}

// A native file may also hold float32 vectors (no writer makes one): hnswlib's body after a native header.
void native_float32_is_read() {
  const Space space(Metric::kInnerProduct, 7);
  const std::unique_ptr<HierarchicalNsw> graph = small_graph(space, 150, 25);
  const Bytes hnswlib = write_hnsw_buffer(*graph);
  Bytes native(kHeaderBytes);
  std::memcpy(native.data(), kMagic, 8);
  put<std::uint32_t>(native, kVersion, 1);
  put<std::uint32_t>(native, kKind, 1);
  put<std::uint32_t>(native, kMetric, 1);
  put<std::uint64_t>(native, kDim, 7);
  put<std::uint64_t>(native, kCapacity, get<std::uint64_t>(hnswlib, 8));
  put<std::uint64_t>(native, kCount, get<std::uint64_t>(hnswlib, 16));
  put<std::uint64_t>(native, kRecordBytes, get<std::uint64_t>(hnswlib, 24));
  put<std::int32_t>(native, kMaxLevel, get<std::int32_t>(hnswlib, 48));
  put<std::uint32_t>(native, kEntryPoint, get<std::uint32_t>(hnswlib, 52));
  put<std::uint64_t>(native, kM, get<std::uint64_t>(hnswlib, 72));
  put<double>(native, kLevelMult, get<double>(hnswlib, 80));
  put<std::uint64_t>(native, kEfConstruction, get<std::uint64_t>(hnswlib, 88));
  native.insert(native.end(), hnswlib.begin() + 96, hnswlib.end());
  put<std::uint64_t>(native, kBodyBytes, native.size() - kHeaderBytes);
  reseal(native, true);
  std::unique_ptr<HierarchicalNsw> loaded = read_graph(native, space);
  CHECK(write_hnsw_buffer(*loaded) == hnswlib);
}

// Everything of a graph but its vectors: the header's sizes, every record's links and label, the upper lists.
void check_same_graph(const HierarchicalNsw& a, const HierarchicalNsw& b) {
  CHECK(a.labels() == b.labels());
  CHECK(a.level_counts() == b.level_counts());
  CHECK(a.mean_out_degree() == b.mean_out_degree());
  CHECK(a.max_level() == b.max_level() && a.entry_point() == b.entry_point());
  CHECK(a.deleted_count() == b.deleted_count() && a.max_elements() == b.max_elements());
  CHECK(a.m() == b.m() && a.ef_construction() == b.ef_construction());
}

// What a decoded vector becomes in an index of `to`: decoded, then stored without being prepared again.
std::vector<float> converted(const Space& to, const std::vector<float>& decoded) {
  std::vector<float> stored(to.vector_words()), out(to.dim());
  to.encode_prepared(decoded.data(), stored.data());
  to.decode(stored.data(), out.data());
  return out;
}

// hnswlib's float32 file loaded as f16 and as i8: the same graph, each vector converted from the stored float32 one
// (cosine vectors are not normalised again), recall close to the float32 graph's against exact float32 search; the
// result saved natively and loaded again unchanged. Back to float32 (i8 -> f32) and across (f16 -> i8) likewise; and
// f32 -> f16 -> f32 gives the original file but for the vectors.
void graph_conversions() {
  const std::size_t dim = 32, count = 2000;
  const std::vector<float> data = make_data(count, dim, 31);
  const std::vector<float> queries = make_data(100, dim, 32);
  for (Metric metric : {Metric::kL2, Metric::kCosine}) {
    const Space f32(metric, dim), f16(metric, dim, Precision::kF16), i8(metric, dim, Precision::kI8);
    HnswParams params;
    params.max_elements = count;
    params.m = 12;
    params.ef_construction = 100;
    const std::unique_ptr<HierarchicalNsw> original = build_index(f32, params, data, count);
    original->mark_deleted(17);
    BruteForce exact(f32, count);
    for (std::size_t i = 0; i < count; ++i) {
      if (i != 17) exact.add(&data[i * dim], i);
    }
    const double base = recall_at(*original, exact, queries, dim, 10, 64);
    const Bytes hnswlib = write_hnsw_buffer(*original);
    CHECK(get<std::uint64_t>(hnswlib, 0) == 0);
    const std::vector<std::uint64_t> live = live_labels(*original);

    for (const Space* target : {&f16, &i8}) {
      std::unique_ptr<HierarchicalNsw> narrow = read_graph(hnswlib, *target, true);
      CHECK(narrow->space().precision() == target->precision());
      check_same_graph(*original, *narrow);
      for (std::uint64_t label : live) {
        CHECK(narrow->get_vector(label) == converted(*target, original->get_vector(label)));
      }
      const double recall = recall_at(*narrow, exact, queries, dim, 10, 64);
      std::printf("     %s f32 -> %s recall %.4f (f32 %.4f)\n", metric_name(metric),
                  precision_name(target->precision()), recall, base);
      CHECK(recall >= base - (target == &f16 ? 0.01 : 0.03));
      const Bytes native = write_hnsw_buffer(*narrow);
      CHECK(is_native(native));
      CHECK(write_hnsw_buffer(*read_graph(native, f32)) == native);

      // Back to float32: exactly the vectors the narrow index decodes to, in hnswlib's format again, whose
      // records' links and labels and whose upper lists are the original's.
      std::unique_ptr<HierarchicalNsw> wide = read_graph(native, f32, true);
      CHECK(wide->space().precision() == Precision::kF32);
      check_same_vectors(*narrow, *wide, live);
      const Bytes back = write_hnsw_buffer(*wide);
      CHECK(back.size() == hnswlib.size());
      const std::size_t record = get<std::uint64_t>(hnswlib, 24), links = get<std::uint64_t>(hnswlib, 40);
      CHECK(std::memcmp(back.data(), hnswlib.data(), 96) == 0);
      for (std::size_t id = 0; id < count; ++id) {
        const std::size_t at = 96 + id * record;
        CHECK(std::memcmp(&back[at], &hnswlib[at], links) == 0);
        CHECK(std::memcmp(&back[at + record - 8], &hnswlib[at + record - 8], 8) == 0);
      }
      const std::size_t upper = 96 + count * record;
      CHECK(std::memcmp(&back[upper], &hnswlib[upper], hnswlib.size() - upper) == 0);
    }

    // f16 -> i8, from the native file.
    const Bytes half = write_hnsw_buffer(*read_graph(hnswlib, f16, true));
    std::unique_ptr<HierarchicalNsw> from_half = read_graph(half, i8, true);
    std::unique_ptr<HierarchicalNsw> half_index = read_graph(half, f16);
    check_same_graph(*half_index, *from_half);
    for (std::uint64_t label : live) {
      CHECK(from_half->get_vector(label) == converted(i8, half_index->get_vector(label)));
    }
    CHECK(recall_at(*from_half, exact, queries, dim, 10, 64) >= base - 0.03);
  }
}

// Brute force: f32 (hnswlib's file) -> i8 -> f32 and f16 -> i8, capacity and labels kept.
void brute_force_conversions() {
  const std::size_t dim = 10;
  const Space f32(Metric::kL2, dim), f16(Metric::kL2, dim, Precision::kF16), i8(Metric::kL2, dim, Precision::kI8);
  const std::unique_ptr<BruteForce> original = small_exact(f32, 80, 33);
  const Bytes hnswlib = write_brute_force_buffer(*original);
  std::unique_ptr<BruteForce> narrow = read_exact(hnswlib, i8, true);
  CHECK(narrow->space().precision() == Precision::kI8);
  CHECK(narrow->labels() == original->labels() && narrow->max_elements() == 90);
  for (std::uint64_t label : original->labels()) {
    CHECK(narrow->get_vector(label) == converted(i8, original->get_vector(label)));
  }
  std::unique_ptr<BruteForce> wide = read_exact(write_brute_force_buffer(*narrow), f32, true);
  CHECK(wide->space().precision() == Precision::kF32 && wide->max_elements() == 90);
  check_same_vectors(*narrow, *wide, original->labels());
  CHECK(get<std::uint64_t>(write_brute_force_buffer(*wide), 0) == 90);  // hnswlib's header: the capacity first

  std::unique_ptr<BruteForce> half = read_exact(hnswlib, f16, true);
  std::unique_ptr<BruteForce> from_half = read_exact(write_brute_force_buffer(*half), i8, true);
  for (std::uint64_t label : original->labels()) {
    CHECK(from_half->get_vector(label) == converted(i8, half->get_vector(label)));
  }
}

// A float32 value f16 cannot hold refuses the conversion to f16 (kOutOfRange, naming element, label and
// coordinate) but not the one to i8; the same for brute force.
void unconvertible_values() {
  const Space f32(Metric::kL2, 4);
  HnswParams params;
  params.max_elements = 10;
  params.m = 4;
  HierarchicalNsw graph(f32, params);
  BruteForce exact(f32, 10);
  const float small[4] = {1, 2, 3, 4}, large[4] = {1, -70000, 3, 4};
  graph.add(small, 5);
  graph.add(large, 6);
  exact.add(small, 5);
  exact.add(large, 6);
  const Bytes bytes = write_hnsw_buffer(graph), flat = write_brute_force_buffer(exact);
  const Space f16(Metric::kL2, 4, Precision::kF16), i8(Metric::kL2, 4, Precision::kI8);
  const std::string message = error_of(ErrorCode::kOutOfRange, [&] { read_graph(bytes, f16, true); });
  check_contains(message, "cannot convert the index to precision 'f16': element 1 (label 6): coordinate 1 is -70000");
  check_contains(message, "beyond 65504");
  check_contains(error_of(ErrorCode::kOutOfRange, [&] { read_exact(flat, f16, true); }), "slot 1 (label 6)");
  CHECK(std::fabs(read_graph(bytes, i8, true)->get_vector(6)[1] + 70000.0f) < 300.0f);
  CHECK(std::fabs(read_exact(flat, i8, true)->get_vector(6)[1] + 70000.0f) < 300.0f);
}

// The small native files the hostile cases edit: an l2 dim-5 i8 graph of 60 elements and an f16 brute-force index of
// 20 slots, capacity 30.
constexpr std::size_t kSmallDim = 5;

Bytes small_native_graph() {
  const Space space(Metric::kL2, kSmallDim, Precision::kI8);
  return write_hnsw_buffer(*small_graph(space, 60, 41));
}

Bytes small_native_exact() {
  const Space space(Metric::kL2, kSmallDim, Precision::kF16);
  auto index = std::make_unique<BruteForce>(space, 30);
  const std::vector<float> data = make_data(20, kSmallDim, 42);
  for (std::size_t i = 0; i < 20; ++i) index->add(&data[i * kSmallDim], 500 + i);
  return write_brute_force_buffer(*index);
}

const Space kSmallSpace(Metric::kL2, kSmallDim);

std::string graph_error(const Bytes& bytes, const Space& space = kSmallSpace) {
  return error_of(ErrorCode::kCorruptFile, [&] { read_graph(bytes, space); });
}

std::string exact_error(const Bytes& bytes, const Space& space = kSmallSpace) {
  return error_of(ErrorCode::kCorruptFile, [&] { read_exact(bytes, space); });
}

// One header edit, resealed so that the field's own check is what refuses it.
struct HeaderEdit {
  const char* name;
  std::function<void(Bytes&)> edit;
  const char* message;  // a part of the expected message
};

template <typename T>
std::function<void(Bytes&)> edit_to(std::size_t offset, T value) {
  return [offset, value](Bytes& bytes) { put<T>(bytes, offset, value); };
}

// Applies each edit to a copy of good, reseals it (the body's CRC too if asked) and requires refuse to give a message
// holding the edit's.
void check_edits(const Bytes& good, const std::vector<HeaderEdit>& edits, bool body,
                 const std::function<std::string(const Bytes&)>& refuse) {
  for (const HeaderEdit& e : edits) {
    Bytes bad = good;
    e.edit(bad);
    reseal(bad, body);
    try {
      check_contains(refuse(bad), e.message);
    } catch (const std::exception& failure) {
      throw std::runtime_error(std::string(e.name) + ": " + failure.what());
    }
  }
}

void graph_header_fields() {
  const Bytes good = small_native_graph();
  CHECK(read_graph(good, kSmallSpace)->element_count() == 60);
  const std::uint64_t record = get<std::uint64_t>(good, kRecordBytes);
  CHECK(record == 4 + 8 * 6 + (16 + 8) + 8);
  const std::int32_t max_level = get<std::int32_t>(good, kMaxLevel);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const std::vector<HeaderEdit> edits = {
      {"version 0", edit_to<std::uint32_t>(kVersion, 0), "format version 0, expected 1"},
      {"kind 0", edit_to<std::uint32_t>(kKind, 0), "header field kind is 0, expected 1 (HierarchicalNSW) or 2"},
      {"kind 3", edit_to<std::uint32_t>(kKind, 3), "header field kind is 3"},
      {"kind 2", edit_to<std::uint32_t>(kKind, 2), "this is a BruteforceSearch index file, not a HierarchicalNSW one"},
      {"metric 3", edit_to<std::uint32_t>(kMetric, 3),
       "header field metric is 3, expected 0 (l2), 1 (ip) or 2 (cosine)"},
      {"precision 3", edit_to<std::uint32_t>(kPrecision, 3), "header field precision is 3"},
      {"scheme 0 with i8", edit_to<std::uint32_t>(kScheme, 0),
       "header field quantisation scheme is 0, expected 2 for precision 'i8'"},
      {"scheme 3", edit_to<std::uint32_t>(kScheme, 3), "quantisation scheme is 3"},
      {"reserved 1", edit_to<std::uint32_t>(kReserved, 1), "header field reserved is 1, expected 0"},
      {"dimension 6", edit_to<std::uint64_t>(kDim, 6),
       "the file holds a 6-dimensional 'l2' index but this object was created as 'l2' with 5 dimensions"},
      {"dimension 0", edit_to<std::uint64_t>(kDim, 0), "the file holds a 0-dimensional 'l2' index"},
      {"metric cosine", edit_to<std::uint32_t>(kMetric, 2), "the file holds a 5-dimensional 'cosine' index but"},
      {"precision f16", edit_to<std::uint32_t>(kPrecision, 1),
       "quantisation scheme is 2, expected 1 for precision 'f16'"},
      {"precision f16 and its scheme",
       [](Bytes& b) {
         put<std::uint32_t>(b, kPrecision, 1);
         put<std::uint32_t>(b, kScheme, 1);
       },
       "header field record_bytes is 84, expected 4 + 8*M + 12 + 8 = 72"},
      {"M 0", edit_to<std::uint64_t>(kM, 0), "header field M is 0, expected 2..10000"},
      {"M 1", edit_to<std::uint64_t>(kM, 1), "header field M is 1"},
      {"M 10001", edit_to<std::uint64_t>(kM, 10001), "header field M is 10001"},
      {"M 2^63", edit_to<std::uint64_t>(kM, 1ull << 63), "header field M is 9223372036854775808"},
      {"M 7", edit_to<std::uint64_t>(kM, 7), "header field record_bytes is 84, expected 4 + 8*M + 24 + 8 = 92"},
      {"record bytes + 4", edit_to<std::uint64_t>(kRecordBytes, record + 4), "header field record_bytes is 88"},
      {"capacity 2^32", edit_to<std::uint64_t>(kCapacity, 1ull << 32), "header field max_elements is 4294967296"},
      {"capacity below the count", edit_to<std::uint64_t>(kCapacity, 59),
       "the file holds 60 elements but declares capacity 59"},
      {"count above the capacity", edit_to<std::uint64_t>(kCount, 81),
       "the file holds 81 elements but declares capacity 80"},
      {"count 61", edit_to<std::uint64_t>(kCount, 61), ""},
      {"count 0", edit_to<std::uint64_t>(kCount, 0),
       "an empty index must have entry point 0xFFFFFFFF and max level -1"},
      {"count 2^31 and capacity 2^32 - 1",
       [](Bytes& b) {
         put<std::uint64_t>(b, kCount, 1ull << 31);
         put<std::uint64_t>(b, kCapacity, 0xFFFFFFFFull);
       },
       "the file declares 2147483648 elements of 84 bytes but holds"},
      {"mult 0", edit_to<double>(kLevelMult, 0.0), "header field mult is not a positive number"},
      {"mult -1", edit_to<double>(kLevelMult, -1.0), "header field mult is not a positive number"},
      {"mult NaN", edit_to<double>(kLevelMult, nan), "header field mult is not a positive number"},
      {"mult inf", edit_to<double>(kLevelMult, inf), "header field mult is not a positive number"},
      {"entry point 60", edit_to<std::uint32_t>(kEntryPoint, 60), "entry point 60 is not below the element count 60"},
      {"entry point 0xFFFFFFFF", edit_to<std::uint32_t>(kEntryPoint, 0xFFFFFFFFu),
       "entry point 4294967295 is not below"},
      {"max level -1", edit_to<std::int32_t>(kMaxLevel, -1), "max level -1 is negative"},
      {"max level + 1", edit_to<std::int32_t>(kMaxLevel, max_level + 1), "but the max level is"},
      {"body bytes + 1", edit_to<std::uint64_t>(kBodyBytes, good.size() - kHeaderBytes + 1),
       "the header declares a body of"},
      {"body bytes 0", edit_to<std::uint64_t>(kBodyBytes, 0), "the header declares a body of 0 bytes but"},
      {"body CRC", [](Bytes& b) { put<std::uint32_t>(b, kBodyCrc, get<std::uint32_t>(b, kBodyCrc) ^ 1u); },
       "the body's CRC-32C is 0x"},
  };
  check_edits(good, edits, false, [](const Bytes& bad) { return graph_error(bad); });
  // ef_construction is any value (raised to at least M), as in hnswlib's files.
  Bytes any_ef = good;
  put<std::uint64_t>(any_ef, kEfConstruction, 0);
  reseal(any_ef);
  CHECK(read_graph(any_ef, kSmallSpace)->ef_construction() == 6);
  // Without resealing, every edit is a header CRC mismatch.
  Bytes unsealed = good;
  put<std::uint64_t>(unsealed, kM, 7);
  check_contains(graph_error(unsealed), "the header's CRC-32C is 0x");
}

void brute_force_header_fields() {
  const Bytes good = small_native_exact();
  CHECK(read_exact(good, kSmallSpace)->count() == 20);
  const std::vector<HeaderEdit> edits = {
      {"kind 1", edit_to<std::uint32_t>(kKind, 1), "this is a HierarchicalNSW index file, not a BruteforceSearch one"},
      {"M 2", edit_to<std::uint64_t>(kM, 2), "a BruteforceSearch header must have M 0, ef_construction 0, mult 0"},
      {"ef_construction 1", edit_to<std::uint64_t>(kEfConstruction, 1), "a BruteforceSearch header must have"},
      {"mult 1", edit_to<double>(kLevelMult, 1.0), "a BruteforceSearch header must have"},
      {"entry point 0", edit_to<std::uint32_t>(kEntryPoint, 0), "a BruteforceSearch header must have"},
      {"max level 0", edit_to<std::int32_t>(kMaxLevel, 0), "a BruteforceSearch header must have"},
      {"record bytes 24", edit_to<std::uint64_t>(kRecordBytes, 24),
       "header field record_bytes is 24, expected 12 + 8 = 20"},
      {"count above the capacity", edit_to<std::uint64_t>(kCount, 31),
       "the file holds 31 elements but declares capacity 30"},
      {"count 21", edit_to<std::uint64_t>(kCount, 21), "the file declares 21 slots of 20 bytes but holds 400 bytes"},
      {"count 2^62",
       [](Bytes& b) {
         put<std::uint64_t>(b, kCount, 1ull << 62);
         put<std::uint64_t>(b, kCapacity, 1ull << 62);
       },
       "the file declares 4611686018427387904 slots of 20 bytes"},
      {"dimension 4", edit_to<std::uint64_t>(kDim, 4), "the file holds a 4-dimensional 'l2' index"},
      {"precision i8", edit_to<std::uint32_t>(kPrecision, 2),
       "quantisation scheme is 1, expected 2 for precision 'i8'"},
      {"body CRC", [](Bytes& b) { put<std::uint32_t>(b, kBodyCrc, get<std::uint32_t>(b, kBodyCrc) + 1); },
       "the body's CRC-32C is"},
  };
  check_edits(good, edits, false, [](const Bytes& bad) { return exact_error(bad); });
  // The capacity is not bounded by the input (slots are reserved, not filled) but by the address space.
  Bytes huge = good;
  put<std::uint64_t>(huge, kCapacity, 1ull << 62);
  reseal(huge);
  error_of(ErrorCode::kOutOfMemory, [&] { read_exact(huge, kSmallSpace); });
  // The graph reader refuses a brute-force file by its kind.
  check_contains(graph_error(good), "this is a BruteforceSearch index file, not a HierarchicalNSW one");
}

// A newer version is named as such before its CRC or anything else is looked at, even with nothing after it.
void newer_version() {
  Bytes v2 = small_native_graph();
  put<std::uint32_t>(v2, kVersion, 2);
  const char* expected =
      "Index seems to be corrupted or unsupported: written by a newer hnswkit: format version 2, "
      "this build reads 1";
  CHECK(graph_error(v2) == expected);
  v2.resize(12);
  CHECK(graph_error(v2) == expected);
  Bytes exact = small_native_exact();
  put<std::uint32_t>(exact, kVersion, 0x01000000u);
  check_contains(exact_error(exact), "format version 16777216, this build reads 1");
}

// The metric and the dimension must be the space's, named both ways in the message.
void metric_and_dimension_mismatch() {
  const Bytes graph = small_native_graph(), exact = small_native_exact();
  CHECK(graph_error(graph, Space(Metric::kCosine, kSmallDim)) ==
        "Index seems to be corrupted or unsupported: the file holds a 5-dimensional 'l2' index but this object was "
        "created as 'cosine' with 5 dimensions");
  check_contains(graph_error(graph, Space(Metric::kL2, 128, Precision::kI8)),
                 "the file holds a 5-dimensional 'l2' index but this object was created as 'l2' with 128 dimensions");
  check_contains(exact_error(exact, Space(Metric::kInnerProduct, 6)),
                 "the file holds a 5-dimensional 'l2' index but this object was created as 'ip' with 6 dimensions");
  // An i8 file of more dimensions than i8 holds, for a space of that many.
  Bytes wide = graph;
  put<std::uint64_t>(wide, kDim, 70000);
  reseal(wide);
  check_contains(graph_error(wide, Space(Metric::kL2, 70000)),
                 "the file holds 70000-dimensional i8 vectors, but i8 holds at most 65536");
}

// Cut at every header byte and at points of the body; one byte more.
void truncations() {
  for (const Bytes& good : {small_native_graph(), small_native_exact()}) {
    const bool graph = get<std::uint32_t>(good, kKind) == 1;
    const auto refuse = [&](const Bytes& bad) { return graph ? graph_error(bad) : exact_error(bad); };
    for (std::size_t cut = 0; cut <= kHeaderBytes; ++cut) {
      const std::string message = refuse(Bytes(good.begin(), good.begin() + cut));
      if (cut < 8) check_contains(message, graph ? "input ends inside the 96-byte header" : "the 24-byte header");
      if (cut >= 8 && cut < kHeaderBytes) check_contains(message, "input ends inside the 112-byte native header");
      if (cut == kHeaderBytes) check_contains(message, "the header declares a body of");
    }
    for (std::size_t cut :
         {kHeaderBytes + 1, kHeaderBytes + 4, kHeaderBytes + 100, good.size() / 2, good.size() - 5, good.size() - 1}) {
      check_contains(refuse(Bytes(good.begin(), good.begin() + cut)), "the header declares a body of");
    }
    Bytes longer = good;
    longer.push_back(0);
    check_contains(refuse(longer), "the header declares a body of");
  }
}

// Every single flipped bit of the header, and bits all over the body: refused, the level-0 block's by its CRC.
void flipped_bits() {
  for (const Bytes& good : {small_native_graph(), small_native_exact()}) {
    const bool graph = get<std::uint32_t>(good, kKind) == 1;
    const auto refuse = [&](const Bytes& bad) { return graph ? graph_error(bad) : exact_error(bad); };
    const std::size_t records_end = kHeaderBytes +
                                    get<std::uint64_t>(good, kCount) * get<std::uint64_t>(good, kRecordBytes);
    for (std::size_t bit = 0; bit < good.size() * 8; bit += (bit < kHeaderBytes * 8 ? 1 : 5)) {
      Bytes bad = good;
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      const std::string message = refuse(bad);
      if (bit / 8 >= kHeaderBytes && bit / 8 < records_end) check_contains(message, "the body's CRC-32C is");
      if (bit / 8 >= kVersion + 4 && bit / 8 < kHeaderBytes) check_contains(message, "the header's CRC-32C is");
    }
  }
}

// Damaged i8 headers with valid CRCs: NaN or negative scales, infinite offsets, codes that decode beyond float32,
// sums that are not the codes'. Refused whether or not the vectors are being converted.
void damaged_i8_vectors() {
  const Bytes good = small_native_graph();
  const std::size_t record = get<std::uint64_t>(good, kRecordBytes), links = 4 + 4 * 12;
  const std::size_t vector = kHeaderBytes + 3 * record + links;  // element 3's I8Header
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<HeaderEdit> edits = {
      {"NaN scale", edit_to<float>(vector + 4, nan), "element 3 has i8 scale nan, expected a finite number >= 0"},
      {"negative scale", edit_to<float>(vector + 4, -0.5f), "element 3 has i8 scale -0.5"},
      {"infinite scale", edit_to<float>(vector + 4, inf), "element 3 has i8 scale inf"},
      {"NaN offset", edit_to<float>(vector, nan), "element 3 has i8 offset nan, expected a finite number"},
      {"infinite offset", edit_to<float>(vector, -inf), "element 3 has i8 offset -inf"},
      {"codes beyond float32", edit_to<float>(vector + 4, 3e37f), "whose codes decode beyond the float32 range"},
      {"sum", [vector](Bytes& b) { put<std::int32_t>(b, vector + 8, get<std::int32_t>(b, vector + 8) + 1); },
       "element 3 has i8 code sums"},
      {"sum of squares",
       [vector](Bytes& b) { put<std::int32_t>(b, vector + 12, get<std::int32_t>(b, vector + 12) - 1); },
       "but its codes give"},
  };
  const Space i8(Metric::kL2, kSmallDim, Precision::kI8), f16(Metric::kL2, kSmallDim, Precision::kF16);
  check_edits(good, edits, true, [](const Bytes& bad) { return graph_error(bad); });
  check_edits(good, edits, true,
              [&](const Bytes& bad) { return error_of(ErrorCode::kCorruptFile, [&] { read_graph(bad, f16, true); }); });
  check_edits(good, edits, true, [](const Bytes& bad) {
    return error_of(ErrorCode::kCorruptFile, [&] { read_graph(bad, kSmallSpace, true); });
  });
  // Brute force: slot 7's scale.
  const auto exact_index = small_exact(i8, 20, 43);
  Bytes exact = write_brute_force_buffer(*exact_index);
  put<float>(exact, kHeaderBytes + 7 * (i8.vector_bytes() + 8) + 4, nan);
  reseal(exact, true);
  check_contains(exact_error(exact), "slot 7 has i8 scale nan");
  check_contains(error_of(ErrorCode::kCorruptFile, [&] { read_exact(exact, kSmallSpace, true); }), "slot 7 has i8");
  // Cosine f16: each vector's scale, and the scheme tied to the metric.
  const Space cosine(Metric::kCosine, kSmallDim, Precision::kF16);
  const Bytes cosine_good = write_hnsw_buffer(*small_graph(cosine, 60, 44));
  const std::size_t scale = kHeaderBytes + 5 * get<std::uint64_t>(cosine_good, kRecordBytes) + links;
  const std::vector<HeaderEdit> scale_edits = {
      {"NaN scale", edit_to<float>(scale, nan), "element 5 has f16 scale nan, expected a finite number >= 0"},
      {"negative scale", edit_to<float>(scale, -1.0f), "element 5 has f16 scale -1"},
      {"values decoding beyond float32", edit_to<float>(scale, 1e36f),
       "element 5 has f16 scale 9.99999962e+35, whose values decode beyond the float32 range"},
  };
  check_edits(cosine_good, scale_edits, true, [&](const Bytes& bad) { return graph_error(bad, cosine); });
  const Space cosine_f32(Metric::kCosine, kSmallDim);
  check_edits(cosine_good, scale_edits, true, [&](const Bytes& bad) {
    return error_of(ErrorCode::kCorruptFile, [&] { read_graph(bad, cosine_f32, true); });
  });
  Bytes plain_scheme = cosine_good;
  put<std::uint32_t>(plain_scheme, kScheme, 1);
  reseal(plain_scheme);
  check_contains(graph_error(plain_scheme, cosine),
                 "quantisation scheme is 1, expected 3 for precision 'f16' and metric 'cosine'");
  // A flipped bit in an i8 header without a new CRC is reported as the damage it is.
  Bytes flipped = good;
  flipped[vector + 7] ^= 0x40;
  check_contains(graph_error(flipped), "the body's CRC-32C is");
}

// A file rewritten in place, between two native indexes of the same size, while it is read over and over: every
// load is refused or is exactly one of the two.
void file_rewritten_while_read() {
  const Space space(Metric::kL2, 8, Precision::kF16);
  const std::unique_ptr<HierarchicalNsw> index = small_graph(space, 300, 51);
  const Bytes a = write_hnsw_buffer(*index);
  // Updates move vectors and links but no element's level: the same size, other bytes.
  const std::vector<float> moved = make_data(100, 8, 52);
  for (std::size_t i = 0; i < 100; ++i) index->add(&moved[i * 8], 1100 + i);
  const Bytes b = write_hnsw_buffer(*index);
  CHECK(a.size() == b.size() && a != b);
  const std::string path = temp_path("native_rewrite.bin");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(a.data()), static_cast<std::streamsize>(a.size()));
  }
  std::FILE* file = std::fopen(path.c_str(), "r+b");
  CHECK(file != nullptr);
  std::size_t loads = 0, refused = 0;
  // In place, A and B in turn, as a program that saves over a file of the same size does.
  const auto rewrite = [&, round = 0]() mutable {
    const Bytes& next = ++round % 2 == 0 ? a : b;
    std::fseek(file, 0, SEEK_SET);
    std::fwrite(next.data(), 1, next.size(), file);
    std::fflush(file);
  };
  const std::size_t rewrites = read_during(rewrite, [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kUnderTsan ? 500 : 1500);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        const Bytes loaded = write_hnsw_buffer(*read_hnsw_file(path, Space(Metric::kL2, 8), false, 0, false));
        CHECK(loaded == a || loaded == b);
        ++loads;
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kCorruptFile || e.code() == ErrorCode::kIo);
        ++refused;
      }
    }
  });
  std::fclose(file);
  std::remove(path.c_str());
  std::printf("     %zu loads whole, %zu refused while the file was rewritten %zu times\n", loads, refused, rewrites);
}

}  // namespace

std::vector<TestCase> native_file_tests() {
  return {
      {"CRC-32C gives RFC 3720's values, in one piece or several", crc32c_vectors},
      {"native: f16 and i8 graphs round-trip byte-identically through files and buffers", round_trips<GraphKind>},
      {"native: f16 and i8 brute-force indexes round-trip with only their used slots", round_trips<BruteForceKind>},
      {"native: float32 indexes still write hnswlib's formats, read by the same calls", float32_stays_hnswlib},
      {"native: a native file of float32 vectors is hnswlib's body after a native header", native_float32_is_read},
      {"native: graphs convert between f32, f16 and i8 on load, keeping every link, label and level",
       graph_conversions},
      {"native: brute-force indexes convert between precisions on load", brute_force_conversions},
      {"native: a value the target precision cannot hold refuses the conversion", unconvertible_values},
      {"native: every graph header field out of range is refused, naming the field", graph_header_fields},
      {"native: every brute-force header field out of range is refused, naming the field", brute_force_header_fields},
      {"native: a newer format version is named as such", newer_version},
      {"native: a metric or dimension other than the space's is refused, naming both", metric_and_dimension_mismatch},
      {"native: truncation at every header byte and in the body is refused", truncations},
      {"native: flipped bits in header and body are refused by the CRCs", flipped_bits},
      {"native: damaged i8 headers are refused even with valid CRCs", damaged_i8_vectors},
      {"native: a file rewritten while it is read loads whole or is refused", file_rewritten_while_read},
  };
}

}  // namespace engine_test
