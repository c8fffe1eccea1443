// A metric over float32 vectors of one dimension: how vectors are stored and how far apart two stored vectors are.
#pragma once

#include <cstddef>
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

class Space {
 public:
  // dim >= 1. Throws Error(kInvalidArgument) otherwise.
  Space(Metric metric, std::size_t dim);

  Metric metric() const { return metric_; }
  std::size_t dim() const { return dim_; }
  std::size_t vector_bytes() const { return dim_ * sizeof(float); }

  // Writes dim floats to out: the vector as the index stores it (cosine: divided by its norm, a zero vector
  // stays zero; other metrics: copied). in and out may alias.
  void prepare(const float* in, float* out) const;
  bool normalizes() const { return metric_ == Metric::kCosine; }

  // Distance between two prepared vectors.
  float distance(const float* a, const float* b) const {
    return metric_ == Metric::kL2 ? l2_(a, b, dim_) : 1.0f - dot_(a, b, dim_);
  }
  // The same distance, while the prepared vector `ahead` (the one to be compared next but one) is being loaded
  // into the cache: see AheadKernelFn.
  float distance_ahead(const float* a, const float* b, const float* ahead) const {
    return metric_ == Metric::kL2 ? l2_ahead_(a, b, dim_, ahead) : 1.0f - dot_ahead_(a, b, dim_, ahead);
  }

 private:
  Metric metric_;
  std::size_t dim_;
  KernelFn l2_;
  KernelFn dot_;
  AheadKernelFn l2_ahead_;
  AheadKernelFn dot_ahead_;
};

}  // namespace hnswkit
