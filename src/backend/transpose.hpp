#pragma once
// numpy.transpose through a oneDNN reorder (Keras' Permute).
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

// The tensor whose axis i is x's axis order[i]; `order` is a permutation of 0..rank-1.
Tensor transpose(const Tensor& x, const std::vector<int>& order);

}  // namespace bottleneck::backend
