// A metric over vectors of one dimension and one storage precision: how vectors are stored and how far apart two
// stored vectors are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "space/kernels.h"

namespace hnswkit {

enum class Metric {
  kL2,            // squared Euclidean distance, no square root
  kInnerProduct,  // 1 - dot(a, b); not a metric, may be negative
  kCosine,        // 1 - dot of vectors normalised at insert and at query
};

// Parses "l2", "ip" or "cosine"; returns false for anything else.
bool parse_metric(const std::string& name, Metric* out);
const char* metric_name(Metric metric);

// How each stored vector's coordinates are held (docs/format.md, "Stored vectors"):
//   kF32: dim float32 values, hnswlib's layout.
//   kF16: dim IEEE 754 binary16 values, rounded to nearest even; magnitudes above 65504 are refused. For cosine, a
//         float32 scale first, then values whose product with it is the normalised vector: the vector as given times
//         a power of two that brings its largest magnitude into [2^14, 2^15), or, when its coordinates are whole
//         multiples of one step at most 256 steps from zero (8-bit data, even normalised), those whole numbers. So
//         nothing is out of range, and such data is kept to float rounding, not to f16's 11 bits.
//   kI8:  a 16-byte header {f32 offset, f32 scale, i32 sum of codes, i32 sum of squared codes} and dim signed bytes:
//         coordinate i is offset + scale * code[i]. Each vector's own minimum and maximum span the 256 codes
//         (-128 for the minimum, 127 for the maximum), so no coordinate is ever clipped. Coordinates that lie on a
//         grid of at most 256 steps (8-bit data such as pixels, even scaled or normalised; binary vectors) take the
//         grid's step instead and are kept exactly. At most kMaxI8Elements dimensions.
// Every form is padded to a multiple of 4 bytes.
enum class Precision { kF32 = 0, kF16 = 1, kI8 = 2 };

// Parses "f32", "f16" or "i8"; returns false for anything else.
bool parse_precision(const std::string& name, Precision* out);
const char* precision_name(Precision precision);

// The i8 form's header (see Precision).
struct I8Header {
  float offset;
  float scale;
  std::int32_t sum;          // sum of the codes
  std::int32_t sum_squares;  // sum of the squared codes
};

class Space {
 public:
  // dim >= 1, and at most kMaxI8Elements for kI8. Throws Error(kInvalidArgument) otherwise.
  Space(Metric metric, std::size_t dim, Precision precision = Precision::kF32);

  Metric metric() const { return metric_; }
  std::size_t dim() const { return dim_; }
  Precision precision() const { return precision_; }
  // Bytes of one stored vector: a multiple of 4.
  std::size_t vector_bytes() const { return vector_bytes_; }
  // The same in 4-byte words: a std::vector<float> of this size holds one stored vector, suitably aligned.
  std::size_t vector_words() const { return vector_bytes_ / 4; }

  // Writes dim floats to out: the vector as a float32 index stores it (cosine: divided by its norm, a zero vector
  // stays zero; other metrics: copied). in and out may alias.
  void prepare(const float* in, float* out) const;
  bool normalizes() const { return metric_ == Metric::kCosine; }

  // Writes the stored form of the float vector `in` (prepared, then narrowed to the precision) to out, which holds
  // vector_bytes(). Throws Error(kOutOfRange) for an f16 coordinate beyond 65504 in magnitude.
  void encode(const float* in, void* out) const;
  // The same for a vector prepare() has already made (as a float32 index stores it), without preparing it again:
  // for converting stored vectors from one precision to another.
  void encode_prepared(const float* prepared_vector, void* out) const;
  // Writes the dim float32 values a stored vector stands for.
  void decode(const void* in, float* out) const;

  // A search holds its query in a form of its own, query_words() 4-byte words that encode_query() writes: for f16
  // the prepared float32 vector, which query_distance() compares with the stored f16 vectors unrounded (rounding
  // the query as well would cost recall, and widening it at every distance, time); for f32 and i8 the stored form.
  // So a query is never refused for a coordinate the precision cannot store.
  std::size_t query_words() const { return precision_ == Precision::kF16 ? dim_ : vector_words(); }
  void encode_query(const float* in, float* out) const;
  // Distance between a query in that form and a stored vector, and the same while `ahead` is loaded (see below).
  float query_distance(const float* query, const void* b) const {
    if (precision_ != Precision::kF16) return distance(query, b);
    const std::uint16_t* y = f16_values(b);
    if (metric_ == Metric::kL2) return l2_f32_f16_(query, y, dim_);
    return 1.0f - f16_scaled(b, dot_f32_f16_(query, y, dim_));
  }
  float query_distance_ahead(const float* query, const void* b, const void* ahead) const {
    if (precision_ != Precision::kF16) return distance_ahead(query, b, ahead);
    const std::uint16_t *y = f16_values(b), *z = f16_values(ahead);
    if (metric_ == Metric::kL2) return l2_f32_f16_ahead_(query, y, dim_, z);
    return 1.0f - f16_scaled(b, dot_f32_f16_ahead_(query, y, dim_, z));
  }

  // For comparing one stored f16 vector a with many: widen_f16 writes its dim values as float32 (before its scale,
  // for cosine) once, and widened_f16_distance compares them with a stored vector b, with `ahead` prefetched when
  // not null. Every f16 value widens exactly, so this is distance(a, b), bit for bit.
  void widen_f16(const void* a, float* out) const { from_f16_(f16_values(a), out, dim_); }
  float widened_f16_distance(const float* widened, const void* a, const void* b, const void* ahead) const;

  // Distance between two stored vectors.
  float distance(const void* a, const void* b) const {
    switch (precision_) {
      case Precision::kF32: {
        const float *x = static_cast<const float*>(a), *y = static_cast<const float*>(b);
        return metric_ == Metric::kL2 ? l2_(x, y, dim_) : 1.0f - dot_(x, y, dim_);
      }
      case Precision::kF16:
        return f16_distance(a, b, nullptr);
      default:
        return i8_distance(a, b, dot_i8_(i8_codes(a), i8_codes(b), dim_));
    }
  }
  // The same distance, while the stored vector `ahead` (the one to be compared next but one) is being loaded into
  // the cache: see AheadKernelFn.
  float distance_ahead(const void* a, const void* b, const void* ahead) const {
    switch (precision_) {
      case Precision::kF32: {
        const float *x = static_cast<const float*>(a), *y = static_cast<const float*>(b);
        const float* z = static_cast<const float*>(ahead);
        return metric_ == Metric::kL2 ? l2_ahead_(x, y, dim_, z) : 1.0f - dot_ahead_(x, y, dim_, z);
      }
      case Precision::kF16:
        return f16_distance(a, b, ahead);
      default:
        return i8_distance(a, b, dot_i8_ahead_(i8_codes(a), i8_codes(b), dim_, i8_codes(ahead)));
    }
  }

 private:
  // An f16 vector's values, after its scale when it has one (cosine).
  const std::uint16_t* f16_values(const void* v) const {
    return reinterpret_cast<const std::uint16_t*>(static_cast<const char*>(v) + f16_offset_);
  }
  // The distance of two stored f16 vectors: a widened into a per-thread buffer, then widened_f16_distance. Callers
  // that compare one vector with many widen it once themselves.
  float f16_distance(const void* a, const void* b, const void* ahead) const;
  // x times the scale of the f16 vector v, or x itself when v has none.
  float f16_scaled(const void* v, float x) const {
    if (f16_offset_ == 0) return x;
    float scale;
    std::memcpy(&scale, v, sizeof scale);
    return scale * x;
  }
  static const std::int8_t* i8_codes(const void* v) {
    return reinterpret_cast<const std::int8_t*>(static_cast<const char*>(v) + sizeof(I8Header));
  }
  // encode() of the vector in[i] / divisor (in[i] itself when divisor is 0).
  void narrow(const float* in, float divisor, void* out) const;
  void narrow_scaled_f16(const float* in, float divisor, void* out) const;
  // The distance of two i8 vectors from their headers and the integer dot product of their codes.
  float i8_distance(const void* a, const void* b, std::int32_t code_dot) const;

  Metric metric_;
  std::size_t dim_;
  Precision precision_;
  std::size_t f16_offset_;  // 4 for cosine f16 (its scale), else 0
  std::size_t vector_bytes_;
  KernelFn l2_;
  KernelFn dot_;
  AheadKernelFn l2_ahead_;
  AheadKernelFn dot_ahead_;
  F32F16KernelFn l2_f32_f16_;
  F32F16KernelFn dot_f32_f16_;
  F32F16AheadKernelFn l2_f32_f16_ahead_;
  F32F16AheadKernelFn dot_f32_f16_ahead_;
  I8DotFn dot_i8_;
  I8DotAheadFn dot_i8_ahead_;
  ToF16Fn to_f16_;
  FromF16Fn from_f16_;
};

}  // namespace hnswkit
