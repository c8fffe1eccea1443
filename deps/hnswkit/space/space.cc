// Space: metric parsing, vector preparation (cosine normalisation) and the kernels bound at construction.
#include "space/space.h"

#include <cmath>

#include "util/error.h"

namespace hnswkit {

bool parse_metric(const std::string& name, Metric* out) {
  if (name == "l2") {
    *out = Metric::kL2;
  } else if (name == "ip") {
    *out = Metric::kInnerProduct;
  } else if (name == "cosine") {
    *out = Metric::kCosine;
  } else {
    return false;
  }
  return true;
}

const char* metric_name(Metric metric) {
  switch (metric) {
    case Metric::kL2:
      return "l2";
    case Metric::kInnerProduct:
      return "ip";
    case Metric::kCosine:
      return "cosine";
  }
  return "unknown";
}

Space::Space(Metric metric, std::size_t dim) : metric_(metric), dim_(dim) {
  if (dim == 0) throw Error(ErrorCode::kInvalidArgument, "dimension must be at least 1");
  const KernelSet& kernels = active_kernels();
  l2_ = kernels.l2_squared;
  dot_ = kernels.dot;
  l2_ahead_ = kernels.l2_squared_ahead;
  dot_ahead_ = kernels.dot_ahead;
}

void Space::prepare(const float* in, float* out) const {
  if (metric_ != Metric::kCosine) {
    if (in != out) {
      for (std::size_t i = 0; i < dim_; ++i) out[i] = in[i];
    }
    return;
  }
  // The norm is accumulated in float32 and divided, as hnswlib-node does, so stored vectors match its files bit
  // for bit on the same kernel.
  float sum = 0.0f;
  for (std::size_t i = 0; i < dim_; ++i) sum += in[i] * in[i];
  float norm = std::sqrt(std::fabs(sum));
  if (norm > 0.0f) {
    for (std::size_t i = 0; i < dim_; ++i) out[i] = in[i] / norm;
  } else if (in != out) {
    for (std::size_t i = 0; i < dim_; ++i) out[i] = in[i];
  }
}

}  // namespace hnswkit
