// Writes the fuzzer's native-format seeds into a corpus folder: small f16 and i8 graphs and brute-force indexes, and
// hnswlib float32 files to be converted on load, each prefixed with the selector byte fuzz_index_reader.cc reads.
// make-corpus.js writes the float32 seeds through the addon; these need the engine alone:
//   cmake --build build-fuzz --target make_native_seeds && build-fuzz/make_native_seeds test/fuzz/corpus
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "index/brute_force.h"
#include "index/hierarchical_nsw.h"
#include "io/index_io.h"

using namespace hnswkit;

namespace {

const char* const kMetricNames[] = {"l2", "ip", "cosine"};
constexpr Metric kMetrics[] = {Metric::kL2, Metric::kInnerProduct, Metric::kCosine};

// The selector byte: bit 0 brute force, bits 1-2 metric, bits 3-4 the space's precision, bit 5 convert.
std::uint8_t selector(bool brute_force, int metric, Precision precision, bool convert) {
  return static_cast<std::uint8_t>((brute_force ? 1 : 0) | metric << 1 | static_cast<int>(precision) << 3 |
                                   (convert ? 0x20 : 0));
}

std::vector<float> vectors(std::size_t count, std::size_t dim, int salt) {
  std::vector<float> data(count * dim);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < dim; ++j) data[i * dim + j] = static_cast<float>(std::sin(i * 7.1 + j * 3.3 + salt));
  }
  return data;
}

bool seed(const std::string& folder, const std::string& name, std::uint8_t selector_byte,
          const std::vector<std::uint8_t>& bytes) {
  const std::string path = folder + "/" + name;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  const bool ok = std::fputc(selector_byte, file) != EOF &&
                  std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  return std::fclose(file) == 0 && ok;
}

std::vector<std::uint8_t> graph_file(const Space& space, std::size_t count, std::size_t m, int salt) {
  HnswParams params;
  params.max_elements = count + 5;
  params.m = m;
  params.ef_construction = 20;
  params.random_seed = 7;
  HierarchicalNsw index(space, params);
  const std::vector<float> data = vectors(count, space.dim(), salt);
  for (std::size_t i = 0; i < count; ++i) index.add(&data[i * space.dim()], i * 3);
  if (count > 10) index.mark_deleted(3);
  return write_hnsw_buffer(index);
}

std::vector<std::uint8_t> brute_force_file(const Space& space, int salt) {
  BruteForce index(space, 12);
  const std::vector<float> data = vectors(9, space.dim(), salt);
  for (std::size_t i = 0; i < 9; ++i) index.add(&data[i * space.dim()], i + 100);
  index.remove(104);
  return write_brute_force_buffer(index);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_native_seeds CORPUS_FOLDER\n");
    return 2;
  }
  const std::string folder = argv[1];
  int written = 0;
  bool ok = true;
  for (int s = 0; s < 3; ++s) {
    const std::string metric = kMetricNames[s];
    for (Precision precision : {Precision::kF16, Precision::kI8}) {
      const std::string p = precision_name(precision);
      // Loaded as they are, and converted: f16 -> i8, i8 -> f32.
      const Precision other = precision == Precision::kF16 ? Precision::kI8 : Precision::kF32;
      const std::vector<std::uint8_t> graph = graph_file(Space(kMetrics[s], 4, precision), 40, 4, s);
      ok &= seed(folder, "native-hnsw-" + metric + "-" + p + "-40x4-m4", selector(false, s, precision, false), graph);
      ok &= seed(folder, "native-hnsw-" + metric + "-" + p + "-40x4-m4-to-" + precision_name(other),
                 selector(false, s, other, true), graph);
      const std::vector<std::uint8_t> flat = brute_force_file(Space(kMetrics[s], 3, precision), s);
      ok &= seed(folder, "native-bf-" + metric + "-" + p, selector(true, s, precision, false), flat);
      ok &= seed(folder, "native-bf-" + metric + "-" + p + "-to-" + precision_name(other),
                 selector(true, s, other, true), flat);
      written += 4;
    }
  }
  // An empty graph and a deeper one with odd dimensions, l2 only; hnswlib float32 files converted to f16 and i8.
  ok &= seed(folder, "native-hnsw-l2-i8-0x5-m4", selector(false, 0, Precision::kI8, false),
             graph_file(Space(Metric::kL2, 5, Precision::kI8), 0, 4, 0));
  ok &= seed(folder, "native-hnsw-l2-f16-120x3-m2", selector(false, 0, Precision::kF16, false),
             graph_file(Space(Metric::kL2, 3, Precision::kF16), 120, 2, 0));
  const std::vector<std::uint8_t> f32 = graph_file(Space(Metric::kCosine, 4), 40, 4, 1);
  ok &= seed(folder, "hnswkit-hnsw-cosine-40x4-m4-to-f16", selector(false, 2, Precision::kF16, true), f32);
  ok &= seed(folder, "hnswkit-hnsw-cosine-40x4-m4-to-i8", selector(false, 2, Precision::kI8, true), f32);
  ok &= seed(folder, "hnswkit-bf-l2-to-i8", selector(true, 0, Precision::kI8, true),
             brute_force_file(Space(Metric::kL2, 3), 0));
  written += 5;
  if (!ok) {
    std::fprintf(stderr, "make_native_seeds: cannot write into %s\n", folder.c_str());
    return 1;
  }
  std::printf("make_native_seeds: %d files in %s\n", written, folder.c_str());
  return 0;
}
