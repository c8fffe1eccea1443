// Engine test: f16 and i8 storage: what a stored vector decodes to, the i8 distance against the one of its decoded
// vectors, bad values, and recall of each precision against exact float32 search.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "engine_test.h"

using namespace hnswkit;

namespace engine_test {
namespace {

constexpr Metric kMetrics[] = {Metric::kL2, Metric::kInnerProduct, Metric::kCosine};

std::vector<float> decoded(const Space& space, const std::vector<float>& vector) {
  std::vector<float> stored(space.vector_words()), out(space.dim());
  space.encode(vector.data(), stored.data());
  space.decode(stored.data(), out.data());
  return out;
}

// f16 keeps every value to within half a unit in the last place of its 11 significant bits.
void f16_decodes_to_rounded_values() {
  const std::vector<float> data = make_data(1, 1001, 3);
  Space space(Metric::kL2, 1001, Precision::kF16);
  CHECK(space.vector_bytes() == 2004);  // padded to 4 bytes
  const std::vector<float> out = decoded(space, data);
  for (std::size_t i = 0; i < data.size(); ++i) CHECK(std::fabs(out[i] - data[i]) <= std::fabs(data[i]) / 2048.0f);
  const std::vector<float> exact = {0.5f, -2.0f, 65504.0f, -65504.0f, 1.0f / 1024.0f, 0.0f};
  CHECK(decoded(Space(Metric::kL2, exact.size(), Precision::kF16), exact) == exact);
}

// Cosine f16 scales each vector by a power of two before rounding and keeps a float32 scale: 8-bit data (pixels)
// decodes to the float32 index's normalised vector to float rounding, not to f16's 11 bits, and any finite vector fits.
void f16_cosine_keeps_8bit_data() {
  const std::size_t dim = 784;
  Space f16(Metric::kCosine, dim, Precision::kF16), f32(Metric::kCosine, dim);
  CHECK(f16.vector_bytes() == 4 + 2 * dim);
  std::vector<float> pixels(dim), bigger(dim), normalised(dim), shifted(dim), off_grid(dim);
  for (std::size_t i = 0; i < dim; ++i) {
    pixels[i] = static_cast<float>((i * 37 + 11) % 256);
    bigger[i] = pixels[i] * 3e30f;
    shifted[i] = (pixels[i] - 100.0f) * 0.25f;  // a grid through zero, negative values included
    off_grid[i] = std::sqrt(static_cast<float>(i + 2)) - 20.0f;
  }
  f32.prepare(pixels.data(), normalised.data());  // as data sets ship unit vectors: no longer whole numbers
  for (const std::vector<float>* v : {&pixels, &bigger, &normalised, &shifted}) {
    std::vector<float> want(dim);
    f32.prepare(v->data(), want.data());
    const std::vector<float> got = decoded(f16, *v);
    // Rounding to f16 alone would err by up to 1/2048 of a value; here only float rounding shows.
    for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(got[i] - want[i]) <= 1e-6f * std::fabs(want[i]) + 1e-12f);
  }
  // Off any grid: f16 rounding of the vector scaled to [2^14, 2^15), at most 2^-11 of the largest magnitude.
  std::vector<float> want(dim);
  f32.prepare(off_grid.data(), want.data());
  const std::vector<float> got = decoded(f16, off_grid);
  float largest = 0.0f;
  for (float x : want) largest = std::max(largest, std::fabs(x));
  for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(got[i] - want[i]) <= largest / 2048.0f);
  // Distances of stored vectors and of a float32 query match the float32 index's.
  std::vector<float> a(f16.vector_words()), b(f16.vector_words()), fa(dim), fb(dim), query(f16.query_words());
  std::vector<float> other(dim);
  for (std::size_t i = 0; i < dim; ++i) other[i] = static_cast<float>((i * 91 + 5) % 256);
  f16.encode(pixels.data(), a.data());
  f16.encode(other.data(), b.data());
  f32.encode(pixels.data(), fa.data());
  f32.encode(other.data(), fb.data());
  f16.encode_query(pixels.data(), query.data());
  CHECK(std::fabs(f16.distance(a.data(), b.data()) - f32.distance(fa.data(), fb.data())) <= 1e-6f);
  CHECK(std::fabs(f16.query_distance(query.data(), b.data()) - f32.distance(fa.data(), fb.data())) <= 1e-6f);
  // At float's limits (a hostile file converted on load holds any floats): every value still decodes finite.
  const float top = std::numeric_limits<float>::max();
  for (const std::vector<float>& edge : {std::vector<float>{top, -top, 1.0f}, std::vector<float>{-top, top, 0.0f},
                                         std::vector<float>{top, top * 0.99999f, -1e-30f}}) {
    Space small(Metric::kCosine, edge.size(), Precision::kF16);
    std::vector<float> stored(small.vector_words()), out(edge.size());
    small.encode_prepared(edge.data(), stored.data());
    small.decode(stored.data(), out.data());
    for (std::size_t i = 0; i < edge.size(); ++i) {
      CHECK(std::isfinite(out[i]));
      // Relative to itself, or to the largest coordinate for those f16 cannot hold beside it (2^-24 below 2^15).
      CHECK(std::fabs(out[i] - edge[i]) <= std::fabs(edge[i]) / 1024.0f + std::ldexp(top, -38));
    }
  }
  // A zero vector stays zero, at distance 1 from everything, as in float32.
  const std::vector<float> zero(dim, 0.0f);
  CHECK(decoded(f16, zero) == zero);
  std::vector<float> z(f16.vector_words());
  f16.encode(zero.data(), z.data());
  CHECK(f16.distance(z.data(), b.data()) == 1.0f);
}

// i8: each coordinate within half a step of its vector's range, the extremes kept, data on a coarser grid (8-bit
// pixels, binary vectors) exactly.
void i8_decodes_within_half_a_step() {
  const std::size_t dim = 383;  // not a multiple of 4: padding
  Space space(Metric::kL2, dim, Precision::kI8);
  CHECK(space.vector_bytes() == sizeof(I8Header) + 384);
  const std::vector<float> data = make_data(1, dim, 4);
  float low = data[0], high = data[0];
  for (float x : data) low = std::min(low, x), high = std::max(high, x);
  const float step = (high - low) / 255.0f;
  const std::vector<float> out = decoded(space, data);
  for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(out[i] - data[i]) <= step * 0.5001f + 1e-6f);

  std::vector<float> pixels(dim);
  for (std::size_t i = 0; i < dim; ++i) pixels[i] = static_cast<float>((i * 37) % 256);
  CHECK(decoded(space, pixels) == pixels);
  const std::vector<float> constant(dim, -3.25f);
  CHECK(decoded(space, constant) == constant);
  // On a grid of fewer than 256 steps, scaled and shifted, or normalised by cosine: kept to float rounding.
  std::vector<float> grid(dim), binary(dim);
  for (std::size_t i = 0; i < dim; ++i) {
    grid[i] = 0.37f * static_cast<float>((i * 11) % 200) - 5.0f;
    binary[i] = static_cast<float>(i % 3 == 0);
  }
  const std::vector<float> grid_out = decoded(space, grid);
  for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(grid_out[i] - grid[i]) <= 1e-5f * (1.0f + std::fabs(grid[i])));
  CHECK(decoded(space, binary) == binary);
  // A grid as coarse as float's range would overflow the offset: the 255-step mapping is used, and stays finite.
  std::vector<float> huge(dim, 0.0f);
  huge[5] = 3e38f;
  huge[6] = 3e36f;  // a grid of 100 steps of 3e36, whose code 127 would be 7.6e38
  const std::vector<float> huge_out = decoded(space, huge);
  for (float x : huge_out) CHECK(std::isfinite(x));
  CHECK(huge_out[5] >= 2.9e38f && std::fabs(huge_out[0]) <= 3e38f / 510.0f);
  // At float's very limits the rounded offset and scale must still decode every code, -128 and 127 included.
  std::vector<float> extreme(dim, -3.4e38f);
  extreme[7] = 3.4028234e38f;
  std::vector<float> stored(space.vector_words());
  space.encode(extreme.data(), stored.data());
  I8Header header;
  std::memcpy(&header, stored.data(), sizeof header);
  CHECK(std::isfinite(header.offset + header.scale * -128.0f) && std::isfinite(header.offset + header.scale * 127.0f));
  Space cosine(Metric::kCosine, dim, Precision::kI8);
  std::vector<float> unit(dim);
  cosine.prepare(pixels.data(), unit.data());
  const std::vector<float> unit_out = decoded(cosine, pixels);
  for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(unit_out[i] - unit[i]) <= 1e-6f);
}

// i8 data on a grid whose smallest gap from the minimum is several steps (an image with no pixel one level above its
// darkest) is kept exactly too; data on no grid, or almost on one, keeps the 255-step mapping.
void i8_finds_grids_with_wider_gaps() {
  const std::size_t dim = 383;
  Space space(Metric::kL2, dim, Precision::kI8);
  Space cosine(Metric::kCosine, dim, Precision::kI8);
  // Levels 0 and gap..254: 254 steps, which the 255-step mapping would round.
  const std::size_t gaps[] = {2, 3, 100};
  for (std::size_t gap : gaps) {
    std::vector<float> pixels(dim), scaled(dim), unit(dim);
    for (std::size_t i = 0; i < dim; ++i) {
      pixels[i] = i == 0 ? 0.0f : static_cast<float>(gap + i % (255 - gap));
      scaled[i] = 0.37f * pixels[i] - 5.0f;
    }
    CHECK(decoded(space, pixels) == pixels);
    const std::vector<float> scaled_out = decoded(space, scaled);
    for (std::size_t i = 0; i < dim; ++i) {
      CHECK(std::fabs(scaled_out[i] - scaled[i]) <= 1e-5f * (1.0f + std::fabs(scaled[i])));
    }
    cosine.prepare(pixels.data(), unit.data());
    const std::vector<float> unit_out = decoded(cosine, pixels);
    for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(unit_out[i] - unit[i]) <= 1e-6f);
  }
  // Square roots, and the levels 0 and 2..254 with one coordinate 0.3 off its level: the 255-step scale, and each
  // coordinate within half a step.
  std::vector<float> roots(dim), almost(dim);
  for (std::size_t i = 0; i < dim; ++i) {
    roots[i] = std::sqrt(static_cast<float>(i + 2));
    almost[i] = i == 0 ? 0.0f : static_cast<float>(2 + i % 253);
  }
  almost[100] += 0.3f;
  for (const std::vector<float>& data : {roots, almost}) {
    float low = data[0], high = data[0];
    for (float x : data) low = std::min(low, x), high = std::max(high, x);
    std::vector<float> stored(space.vector_words());
    space.encode(data.data(), stored.data());
    I8Header header;
    std::memcpy(&header, stored.data(), sizeof header);
    CHECK(header.scale == static_cast<float>((static_cast<double>(high) - low) / 255.0));
    const float step = (high - low) / 255.0f;
    const std::vector<float> out = decoded(space, data);
    for (std::size_t i = 0; i < dim; ++i) CHECK(std::fabs(out[i] - data[i]) <= step * 0.5001f + 1e-6f);
  }
}

// The i8 distance, computed from the headers and the integer dot product, against the float distance of the
// decoded vectors.
void i8_distance_matches_decoded() {
  const std::size_t dim = 100;
  const std::vector<float> data = make_data(20, dim, 5);
  for (Metric metric : kMetrics) {
    Space space(metric, dim, Precision::kI8);
    for (std::size_t a = 0; a < 20; a += 3) {
      for (std::size_t b = 0; b < 20; b += 7) {
        std::vector<float> va(data.begin() + a * dim, data.begin() + (a + 1) * dim);
        std::vector<float> vb(data.begin() + b * dim, data.begin() + (b + 1) * dim);
        std::vector<float> sa(space.vector_words()), sb(space.vector_words()), da(dim), db(dim);
        space.encode(va.data(), sa.data());
        space.encode(vb.data(), sb.data());
        space.decode(sa.data(), da.data());
        space.decode(sb.data(), db.data());
        double dot = 0, l2 = 0;
        for (std::size_t i = 0; i < dim; ++i) {
          dot += static_cast<double>(da[i]) * db[i];
          l2 += (static_cast<double>(da[i]) - db[i]) * (static_cast<double>(da[i]) - db[i]);
        }
        const double want = metric == Metric::kL2 ? l2 : 1.0 - dot;
        CHECK(std::fabs(space.distance(sa.data(), sb.data()) - want) <= 1e-4 * (1.0 + std::fabs(want)));
        CHECK(space.distance_ahead(sa.data(), sb.data(), sa.data()) == space.distance(sa.data(), sb.data()));
      }
    }
  }
}

void bad_values_and_dimensions() {
  expect_error(ErrorCode::kInvalidArgument, [] { Space(Metric::kL2, kMaxI8Elements + 1, Precision::kI8); });
  Space(Metric::kL2, kMaxI8Elements, Precision::kI8);
  Space space(Metric::kL2, 4, Precision::kF16);
  HnswParams p;
  p.max_elements = 4;
  HierarchicalNsw index(space, p);
  BruteForce exact(space, 4);
  const float fine[4] = {1, 2, 65504, -65504};
  const float too_big[4] = {1, 2, 65505, 0};
  index.add(fine, 0);
  exact.add(fine, 0);
  expect_error(ErrorCode::kOutOfRange, [&] { index.add(too_big, 1); });
  expect_error(ErrorCode::kOutOfRange, [&] { exact.add(too_big, 1); });
  expect_error(ErrorCode::kOutOfRange, [&] { index.add(too_big, 0); });  // an update of a held label too
  CHECK(index.element_count() == 1 && exact.count() == 1 && !index.contains(1) && !exact.contains(1));
  CHECK(index.get_vector(0) == std::vector<float>(fine, fine + 4));
  // Cosine normalises first, so any finite vector fits.
  Space cosine(Metric::kCosine, 4, Precision::kF16);
  std::vector<float> big = {1e18f, -1e18f, 3e18f, 0};
  CHECK(decoded(cosine, big)[2] > 0.9f);
}

// Recall@10 of the graph at each precision against exact float32 search, next to the float32 graph's.
void recall_per_precision() {
  const std::size_t size = kUnderTsan ? kCount / 4 : kCount;
  const std::vector<float> data = make_data(size, kDim, 1), queries = make_data(kQueries, kDim, 2);
  for (Metric metric : kMetrics) {
    BruteForce exact(Space(metric, kDim), size);
    for (std::size_t i = 0; i < size; ++i) exact.add(&data[i * kDim], i);
    double f32 = 0;
    for (Precision precision : {Precision::kF32, Precision::kF16, Precision::kI8}) {
      HnswParams p;
      p.max_elements = size;
      const auto index = build_index(Space(metric, kDim, precision), p, data, size);
      const double r = recall_at(*index, exact, queries, kDim, 10, 100);
      std::printf("     %s %s recall %.4f\n", metric_name(metric), precision_name(precision), r);
      if (precision == Precision::kF32) f32 = r;
      CHECK(r >= f32 - (precision == Precision::kI8 ? 0.03 : 0.005));
      // Brute force at the same precision returns what the decoded vectors give.
      BruteForce reduced(Space(metric, kDim, precision), 10);
      reduced.add(&data[0], 7);
      CHECK(reduced.get_vector(7) == index->get_vector(0));
    }
  }
}

}  // namespace

std::vector<TestCase> precision_tests() {
  return {
      {"f16 vectors decode to their rounded values", f16_decodes_to_rounded_values},
      {"cosine f16 keeps 8-bit data to float rounding, and any finite vector", f16_cosine_keeps_8bit_data},
      {"i8 vectors decode within half a step; 8-bit data exactly", i8_decodes_within_half_a_step},
      {"i8 keeps grids whose smallest gap is several steps", i8_finds_grids_with_wider_gaps},
      {"i8 distances match those of the decoded vectors", i8_distance_matches_decoded},
      {"f16 values beyond 65504 and i8 dimensions beyond 65536 are refused", bad_values_and_dimensions},
      {"f16 and i8 graphs keep the float32 graph's recall", recall_per_precision},
  };
}

}  // namespace engine_test
