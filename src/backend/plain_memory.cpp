#include "backend/plain_memory.hpp"

#include "backend/dnnl_context.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

dnnl::memory::dims row_major_strides(const Shape& shape) {
  dnnl::memory::dims strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

dnnl::memory::desc plain_desc(const Shape& shape) {
  if (shape.empty() || shape.size() > DNNL_MAX_NDIMS)
    throw Error("tensors of rank 1 to " + std::to_string(DNNL_MAX_NDIMS) + " are supported, got " + shape_to_string(shape));
  return dnnl::memory::desc(shape, dnnl::memory::data_type::f32, row_major_strides(shape));
}

dnnl::memory plain_memory(const Tensor& x) {
  return dnnl::memory(plain_desc(x.shape()), cpu_engine(), const_cast<float*>(x.data()));
}

}  // namespace bottleneck::backend
