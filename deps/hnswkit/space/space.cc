// Space: metric parsing, vector preparation (cosine normalisation) and the kernels bound at construction.
#include "space/space.h"

#include <cmath>

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
