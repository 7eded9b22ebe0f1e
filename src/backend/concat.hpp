#pragma once
// Concatenation of NHWC tensors on the channel axis through oneDNN, and its backward
// (splitting the gradient back into the parts).
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

Tensor concat_channels(const std::vector<Tensor>& parts);
std::vector<Tensor> split_channels(const Tensor& gradient, const std::vector<int64_t>& channels);

}  // namespace bottleneck::backend
