#include "backend/transpose.hpp"

#include "backend/dnnl_context.hpp"
#include "backend/plain_memory.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

Tensor transpose(const Tensor& x, const std::vector<int>& order) {
  if (order.size() != x.shape().size())
    throw Error("transpose of " + shape_to_string(x.shape()) + " needs " + std::to_string(x.rank()) + " axes");
  const dnnl::memory::dims x_strides = row_major_strides(x.shape());
  Shape out_shape(order.size());
  dnnl::memory::dims read_strides(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    out_shape[i] = x.shape().at(order[i]);
    read_strides[i] = x_strides.at(order[i]);
  }
  Tensor y = Tensor::uninitialized(out_shape);
  if (y.empty()) return y;
  // x seen with y's axes: the same memory read with permuted strides.
  dnnl::memory source(dnnl::memory::desc(out_shape, dnnl::memory::data_type::f32, read_strides), cpu_engine(),
                      const_cast<float*>(x.data()));
  dnnl::memory target = plain_memory(y);
  dnnl::reorder(source, target).execute(cpu_stream(), source, target);
  cpu_stream().wait();
  return y;
}

}  // namespace bottleneck::backend
