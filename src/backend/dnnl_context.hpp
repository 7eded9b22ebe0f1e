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

// An NHWC feature map as a primitive reads or writes it: float32 values (a Tensor), or
// bfloat16 ones, two to each float of the storage, beside their shape. Between convolutions
// that multiply in bfloat16 at inference, feature maps stay bfloat16: half the memory traffic
// and no conversion on either side.
struct FeatureMap {
  Tensor storage;
  Shape shape;
  bool bfloat16 = false;

  FeatureMap() = default;
  explicit FeatureMap(const Tensor& values) : storage(values), shape(values.shape()) {}
  static FeatureMap uninitialized(const Shape& shape, bool bfloat16);

  bool empty() const { return storage.empty(); }
  dnnl::memory memory() const;  // wraps the storage, no copy
  // Itself when already of that type (sharing storage), else a converted copy.
  FeatureMap as(bool bfloat16) const;
  // A copy of its own, of that type.
  FeatureMap copy_as(bool bfloat16) const;
  Tensor to_float32() const { return as(false).storage; }
};

}  // namespace bottleneck::backend
