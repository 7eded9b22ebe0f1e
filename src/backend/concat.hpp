#pragma once
// Concatenation of tensors on any axis through oneDNN, and its backward (splitting the
// gradient back into the parts).
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

// `axis` counts from 0 (the batch axis) and is within the rank; the parts agree elsewhere.
Tensor concat(const std::vector<Tensor>& parts, int axis);
// The parts of `gradient` along `axis`, of sizes `sizes` in order.
std::vector<Tensor> split(const Tensor& gradient, const std::vector<int64_t>& sizes, int axis);

}  // namespace bottleneck::backend
