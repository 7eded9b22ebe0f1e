#pragma once
// Elementwise functions through oneDNN's eltwise primitive (JIT-vectorised), forward and
// backward, on tensors of any shape (treated as flat).
#include <oneapi/dnnl/dnnl.hpp>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

struct Eltwise {
  dnnl::algorithm algorithm;
  float alpha = 0.0f;
  float beta = 0.0f;
};

// x = f(x), in place.
void eltwise_forward(const Eltwise& f, Tensor& x);
// gradient = gradient * f'(.), in place. `data` is f's input, or its output for the
// *_use_dst_for_bwd algorithms.
void eltwise_backward(const Eltwise& f, const Tensor& data, Tensor& gradient);

}  // namespace bottleneck::backend
