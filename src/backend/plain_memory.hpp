#pragma once
// Tensors of any rank described to oneDNN as they lie in memory: row-major, logical axes in
// the tensor's own order (the primitives below work on any axis, not only NHWC's channels).
#include <oneapi/dnnl/dnnl.hpp>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

dnnl::memory::dims row_major_strides(const Shape& shape);
dnnl::memory::desc plain_desc(const Shape& shape);
dnnl::memory plain_memory(const Tensor& x);  // wraps the tensor's storage, no copy

}  // namespace bottleneck::backend
