// Space: metric and precision names, vector preparation (cosine normalisation), the f16 and i8 encodings and the
// kernels bound at construction.
#include "space/space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "util/error.h"

namespace hnswkit {

namespace {

// Each metric with the name the API, the files' callers and the error messages use for it.
struct MetricName {
  Metric metric;
  const char* name;
};
constexpr MetricName kMetricNames[] = {
    {Metric::kL2, "l2"},
    {Metric::kInnerProduct, "ip"},
    {Metric::kCosine, "cosine"},
};

constexpr const char* kPrecisionNames[] = {"f32", "f16", "i8"};

constexpr float kF16Max = 65504.0f;

std::size_t round_up4(std::size_t bytes) { return (bytes + 3) / 4 * 4; }

std::size_t f16_scale_bytes(Metric metric, Precision precision) {
  return precision == Precision::kF16 && metric == Metric::kCosine ? sizeof(float) : 0;
}

std::size_t stored_bytes(Metric metric, std::size_t dim, Precision precision) {
  switch (precision) {
    case Precision::kF32:
      return dim * sizeof(float);
    case Precision::kF16:
      return f16_scale_bytes(metric, precision) + round_up4(dim * sizeof(std::uint16_t));
    default:
      return sizeof(I8Header) + round_up4(dim);
  }
}

}  // namespace

bool parse_metric(const std::string& name, Metric* out) {
  for (const MetricName& entry : kMetricNames) {
    if (name == entry.name) {
      *out = entry.metric;
      return true;
    }
  }
  return false;
}

const char* metric_name(Metric metric) {
  for (const MetricName& entry : kMetricNames) {
    if (entry.metric == metric) return entry.name;
  }
  return "unknown";
}

bool parse_precision(const std::string& name, Precision* out) {
  for (int i = 0; i < 3; ++i) {
    if (name == kPrecisionNames[i]) {
      *out = static_cast<Precision>(i);
      return true;
    }
  }
  return false;
}

const char* precision_name(Precision precision) {
  const int i = static_cast<int>(precision);
  return i >= 0 && i < 3 ? kPrecisionNames[i] : "unknown";
}

Space::Space(Metric metric, std::size_t dim, Precision precision)
    : metric_(metric),
      dim_(dim),
      precision_(precision),
      f16_offset_(f16_scale_bytes(metric, precision)),
      vector_bytes_(stored_bytes(metric, dim, precision)) {
  if (dim == 0) throw Error(ErrorCode::kInvalidArgument, "dimension must be at least 1");
  if (precision == Precision::kI8 && dim > kMaxI8Elements) {
    throw Error(ErrorCode::kInvalidArgument, "precision 'i8' holds at most " + std::to_string(kMaxI8Elements) +
                                                 " dimensions, not " + std::to_string(dim));
  }
  const KernelSet& kernels = active_kernels();
  l2_ = kernels.l2_squared;
  dot_ = kernels.dot;
  l2_ahead_ = kernels.l2_squared_ahead;
  dot_ahead_ = kernels.dot_ahead;
  l2_f32_f16_ = kernels.l2_squared_f32_f16;
  dot_f32_f16_ = kernels.dot_f32_f16;
  l2_f32_f16_ahead_ = kernels.l2_squared_f32_f16_ahead;
  dot_f32_f16_ahead_ = kernels.dot_f32_f16_ahead;
  dot_i8_ = kernels.dot_i8;
  dot_i8_ahead_ = kernels.dot_i8_ahead;
  to_f16_ = kernels.to_f16;
  from_f16_ = kernels.from_f16;
}

namespace {

// The divisor prepare() applies to every coordinate: the vector's norm for cosine, 0 (none) otherwise or for a zero
// vector. The norm is accumulated in float32 and divided by, as hnswlib-node does, so stored vectors match its files
// bit for bit on the same kernel.
float divisor_of(const float* in, std::size_t dim, bool normalizes) {
  if (!normalizes) return 0.0f;
  float sum = 0.0f;
  for (std::size_t i = 0; i < dim; ++i) sum += in[i] * in[i];
  return std::sqrt(std::fabs(sum));
}

// d as a float, or an infinity of its sign beyond float's range, as float32 arithmetic would give (a plain
// conversion of an out-of-range double is undefined).
inline float saturate_to_float(double d) {
  constexpr double kMax = std::numeric_limits<float>::max();
  if (d > kMax) return std::numeric_limits<float>::infinity();
  if (d < -kMax) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(d);
}

inline float prepared(const float* in, std::size_t i, float divisor) {
  return divisor > 0.0f ? in[i] / divisor : in[i];
}

// The i8 step of a vector whose coordinates all lie on a grid of at most 256 levels from its minimum, so that 8-bit
// data (image pixels, even scaled or normalised), binary vectors and small integers are stored exactly. The step
// divides the smallest positive distance g of a coordinate from the minimum (an image may have no pixel one level
// above its darkest): it is the first of g, g/2, g/3, ... that reaches the maximum within 255 steps and puts every
// coordinate within a thousandth of a step of a whole number of steps. A candidate stops at the first coordinate off
// its grid, which the next candidate tries first, so data on no grid costs a few reads per candidate. 0 when there
// is no such grid; the grid, when found, errs by less than the 255-step default would.
double grid_step(const float* v, std::size_t dim, float low, float high) {
  double smallest = 0.0;
  for (std::size_t i = 0; i < dim; ++i) {
    const double gap = static_cast<double>(v[i]) - low;
    if (gap > 0.0 && (smallest == 0.0 || gap < smallest)) smallest = gap;
  }
  if (smallest == 0.0) return 0.0;
  const double range = static_cast<double>(high) - low;
  std::size_t last_off = 0;  // the coordinate that ruled out the last candidate
  for (int parts = 1;; ++parts) {
    const double step = smallest / parts;
    if (range / step > 255.5) return 0.0;
    const auto off_grid = [&](std::size_t i) {
      // At most 255.5 (std::min turns a NaN, which callers refuse, into 256, as in narrow): + 0.5 and truncation
      // round it to nearest without std::round's library call.
      const double steps = std::min(256.0, (static_cast<double>(v[i]) - low) / step);
      return std::fabs(steps - static_cast<int>(steps + 0.5)) > 1e-3;
    };
    if (off_grid(last_off)) continue;
    std::size_t i = 0;
    while (i < dim && !off_grid(i)) ++i;
    if (i == dim) return step;
    last_off = i;
  }
}

}  // namespace

void Space::prepare(const float* in, float* out) const {
  const float divisor = divisor_of(in, dim_, normalizes());
  if (divisor == 0.0f && in == out) return;
  for (std::size_t i = 0; i < dim_; ++i) out[i] = prepared(in, i, divisor);
}

void Space::encode(const float* in, void* out) const { narrow(in, divisor_of(in, dim_, normalizes()), out); }

void Space::encode_query(const float* in, float* out) const {
  if (precision_ == Precision::kF16) {
    prepare(in, out);
  } else {
    encode(in, out);
  }
}

void Space::encode_prepared(const float* prepared_vector, void* out) const { narrow(prepared_vector, 0.0f, out); }

void Space::narrow(const float* in, float divisor, void* out) const {
  char* bytes = static_cast<char*>(out);
  if (precision_ == Precision::kF32) {
    float* values = static_cast<float*>(out);
    for (std::size_t i = 0; i < dim_; ++i) values[i] = prepared(in, i, divisor);
    return;
  }
  if (f16_offset_ != 0) {
    narrow_scaled_f16(in, divisor, out);
    return;
  }
  // f16 and i8 read every coordinate more than once: the divisions are done once, here.
  std::vector<float> normalised;
  const float* v = in;
  if (divisor > 0.0f) {
    normalised.resize(dim_);
    for (std::size_t i = 0; i < dim_; ++i) normalised[i] = in[i] / divisor;
    v = normalised.data();
  }
  if (precision_ == Precision::kF16) {
    for (std::size_t i = 0; i < dim_; ++i) {
      if (std::fabs(v[i]) > kF16Max) {
        char value[32];
        std::snprintf(value, sizeof value, "%.9g", static_cast<double>(v[i]));
        throw Error(ErrorCode::kOutOfRange, "precision 'f16' holds coordinates up to 65504 in magnitude, but " +
                                                std::string(normalizes() ? "normalised " : "") + "element " +
                                                std::to_string(i) + " is " + value);
      }
    }
    to_f16_(v, static_cast<std::uint16_t*>(out), dim_);
    std::memset(bytes + dim_ * sizeof(std::uint16_t), 0, vector_bytes_ - dim_ * sizeof(std::uint16_t));
    return;
  }
  // i8: the vector's own range over the 256 codes, min -> -128 and max -> 127, or the grid its coordinates lie on
  // (see Precision).
  float low = v[0], high = v[0];
  for (std::size_t i = 1; i < dim_; ++i) {
    low = std::min(low, v[i]);
    high = std::max(high, v[i]);
  }
  double grid = grid_step(v, dim_, low, high);
  // Every code, 127 included, must decode to a float: a grid as coarse as float's range (coordinates 0, 3e36 and
  // 3e38, say) would not, and then the 255-step mapping, which ends at the maximum, is used.
  if (grid > 0.0 && !std::isfinite(static_cast<float>(low + 255.0 * grid))) grid = 0.0;
  const float scale = static_cast<float>(grid > 0.0 ? grid : (static_cast<double>(high) - low) / 255.0);
  I8Header header{low, 0.0f, 0, 0};
  auto* codes = reinterpret_cast<std::int8_t*>(bytes + sizeof(I8Header));
  if (scale > 0.0f) {
    header.offset = static_cast<float>(low + 128.0 * scale);
    header.scale = scale;
    // Every code must decode (offset + scale * code, in float, as Space::decode and the readers compute it) to a
    // finite value. Near float's limits the rounded offset and scale can overshoot; the scale then gives up a
    // little until they do not, and the top codes clamp to 127 below.
    for (int tries = 0; tries < 64 && !(std::isfinite(header.offset + header.scale * -128.0f) &&
                                        std::isfinite(header.offset + header.scale * 127.0f));
         ++tries) {
      header.scale *= 0.999f;
      header.offset = static_cast<float>(low + 128.0 * header.scale);
    }
    const double inverse = 1.0 / header.scale;
    for (std::size_t i = 0; i < dim_; ++i) {
      // steps >= 0 (low is the minimum); + 0.5 and truncation round it to nearest.
      const double steps = std::min(255.0, (static_cast<double>(v[i]) - low) * inverse);
      const int code = static_cast<int>(steps + 0.5) - 128;
      codes[i] = static_cast<std::int8_t>(code);
      header.sum += code;
      header.sum_squares += code * code;
    }
  } else {
    std::memset(codes, 0, dim_);  // a constant vector: every coordinate is the offset
  }
  std::memcpy(bytes, &header, sizeof header);
  std::memset(bytes + sizeof(I8Header) + dim_, 0, vector_bytes_ - sizeof(I8Header) - dim_);
}

// Cosine f16 (see Precision): values and the scale that turns them into the prepared vector (in / divisor, or in
// itself without a divisor). When the coordinates are whole multiples of one step, at most 256 of them from zero
// (8-bit data, even normalised: i8's grid_step, anchored at zero), the values are those whole numbers, exact in f16,
// and the scale is step / divisor. Otherwise the values are the coordinates times 2^shift, which brings the largest
// magnitude into [2^14, 2^15) exactly, and the scale is 2^-shift / divisor.
void Space::narrow_scaled_f16(const float* in, float divisor, void* out) const {
  char* bytes = static_cast<char*>(out);
  float low = 0.0f, high = 0.0f;
  for (std::size_t i = 0; i < dim_; ++i) {
    low = std::min(low, in[i]);
    high = std::max(high, in[i]);
  }
  const double unit = divisor > 0.0f ? 1.0 / divisor : 1.0;
  float scale = 0.0f;
  std::vector<float> values(dim_, 0.0f);
  double step = high > low ? grid_step(in, dim_, low, high) : 0.0;
  if (step > 0.0) {
    const double zero = -static_cast<double>(low) / step;  // zero must lie on the grid too
    if (std::fabs(zero - std::round(zero)) > 1e-3) step = 0.0;
  }
  if (step > 0.0) {
    for (std::size_t i = 0; i < dim_; ++i) values[i] = static_cast<float>(std::round(in[i] / step));
    scale = saturate_to_float(unit * step);
    if (!std::isfinite(scale)) step = 0.0;  // a step as wide as float's range: scale by a power of two instead
  }
  if (step == 0.0 && high > low) {
    int exponent;
    std::frexp(std::max(-low, high), &exponent);  // the largest magnitude = f * 2^exponent, f in [0.5, 1)
    const int shift = 15 - exponent;
    for (std::size_t i = 0; i < dim_; ++i)
      values[i] = static_cast<float>(std::ldexp(static_cast<double>(in[i]), shift));
    scale = saturate_to_float(std::ldexp(unit, -shift));
  }
  std::memcpy(bytes, &scale, sizeof scale);
  auto* out16 = reinterpret_cast<std::uint16_t*>(bytes + f16_offset_);
  to_f16_(values.data(), out16, dim_);
  // Every value must decode (scale * value in float, as decode() and the readers compute it) to a finite float. At
  // float's limit a value can round up one f16 step too far (2^15 * 2^113 = 2^128); it then gives up that step.
  from_f16_(out16, values.data(), dim_);
  for (std::size_t i = 0; i < dim_; ++i) {
    float value = values[i];
    while (std::isfinite(value) && !std::isfinite(scale * value) && (out16[i] & 0x7FFFu) != 0) {
      --out16[i];
      from_f16_(&out16[i], &value, 1);
    }
  }
  const std::size_t used = f16_offset_ + dim_ * sizeof(std::uint16_t);
  std::memset(bytes + used, 0, vector_bytes_ - used);
}

float Space::f16_distance(const void* a, const void* b, const void* ahead) const {
  thread_local std::vector<float> widened;
  if (widened.size() < dim_) widened.resize(dim_);
  widen_f16(a, widened.data());
  return widened_f16_distance(widened.data(), a, b, ahead);
}

float Space::widened_f16_distance(const float* x, const void* a, const void* b, const void* ahead) const {
  const std::uint16_t* y = f16_values(b);
  if (metric_ == Metric::kL2) {
    return ahead != nullptr ? l2_f32_f16_ahead_(x, y, dim_, f16_values(ahead)) : l2_f32_f16_(x, y, dim_);
  }
  const float dot = ahead != nullptr ? dot_f32_f16_ahead_(x, y, dim_, f16_values(ahead)) : dot_f32_f16_(x, y, dim_);
  return 1.0f - f16_scaled(b, f16_scaled(a, dot));
}

void Space::decode(const void* in, float* out) const {
  if (precision_ == Precision::kF32) {
    std::memcpy(out, in, dim_ * sizeof(float));
  } else if (precision_ == Precision::kF16) {
    from_f16_(f16_values(in), out, dim_);
    if (f16_offset_ != 0) {
      for (std::size_t i = 0; i < dim_; ++i) out[i] = f16_scaled(in, out[i]);
    }
  } else {
    I8Header header;
    std::memcpy(&header, in, sizeof header);
    const std::int8_t* codes = i8_codes(in);
    for (std::size_t i = 0; i < dim_; ++i) out[i] = header.offset + header.scale * static_cast<float>(codes[i]);
  }
}

// With x = offset + scale * code per vector, over d dimensions:
//   dot(a, b) = d*oa*ob + oa*sb*sum(b) + ob*sa*sum(a) + sa*sb*dot(codes)
//   |a|^2     = d*oa^2 + 2*oa*sa*sum(a) + sa^2*sum_squares(a)
// evaluated in double, so the cancellation in |a|^2 + |b|^2 - 2 dot(a, b) costs nothing that float32 would show.
float Space::i8_distance(const void* a, const void* b, std::int32_t code_dot) const {
  I8Header x, y;
  std::memcpy(&x, a, sizeof x);
  std::memcpy(&y, b, sizeof y);
  const double d = static_cast<double>(dim_);
  const double oa = x.offset, sa = x.scale, ob = y.offset, sb = y.scale;
  const double dot = d * oa * ob + oa * sb * y.sum + ob * sa * x.sum + sa * sb * code_dot;
  if (metric_ != Metric::kL2) return saturate_to_float(1.0 - dot);
  const double norm_a = d * oa * oa + 2.0 * oa * sa * x.sum + sa * sa * x.sum_squares;
  const double norm_b = d * ob * ob + 2.0 * ob * sb * y.sum + sb * sb * y.sum_squares;
  const double l2 = norm_a + norm_b - 2.0 * dot;
  return l2 > 0.0 ? saturate_to_float(l2) : 0.0f;
}

}  // namespace hnswkit
