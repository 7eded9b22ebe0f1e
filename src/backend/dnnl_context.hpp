#pragma once
// The oneDNN CPU engine and stream every primitive runs on, and shape helpers. oneDNN's
// OpenMP runtime uses all cores (OMP_NUM_THREADS limits it).
#include <oneapi/dnnl/dnnl.hpp>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// An NHWC tensor described to oneDNN, whose logical order is always N, C, H, W.
dnnl::memory::desc nhwc_desc(const Shape& nhwc_shape,
                             dnnl::memory::data_type type = dnnl::memory::data_type::f32);
dnnl::memory nhwc_memory(const Tensor& nhwc);  // wraps the tensor's storage, no copy
// A bfloat16 copy of an NHWC tensor, in `storage` (made here, half the tensor's size): what
// a primitive computing in bfloat16 reads.
dnnl::memory nhwc_bfloat16_copy(const Tensor& nhwc, Tensor& storage);

}  // namespace bottleneck::backend
