#include "backend/broadcast.hpp"

#include "backend/dnnl_context.hpp"
#include "backend/plain_memory.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

namespace {
dnnl::algorithm algorithm_of(BinaryOp op) {
  switch (op) {
    case BinaryOp::add: return dnnl::algorithm::binary_add;
    case BinaryOp::subtract: return dnnl::algorithm::binary_sub;
    case BinaryOp::multiply: return dnnl::algorithm::binary_mul;
    case BinaryOp::divide: return dnnl::algorithm::binary_div;
    case BinaryOp::maximum: return dnnl::algorithm::binary_max;
    case BinaryOp::minimum: return dnnl::algorithm::binary_min;
  }
  throw Error("unknown binary operation");
}
}  // namespace

std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  if (a.size() != b.size()) return std::nullopt;
  Shape out(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && a[i] != 1 && b[i] != 1) return std::nullopt;
    out[i] = a[i] == 1 ? b[i] : a[i];
  }
  return out;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  if (broadcast_shapes(a.shape(), b.shape()) != a.shape())
    throw Error("cannot broadcast " + shape_to_string(b.shape()) + " to " + shape_to_string(a.shape()));
  Tensor y = Tensor::uninitialized(a.shape());
  dnnl::binary::desc desc(algorithm_of(op), plain_desc(a.shape()), plain_desc(b.shape()), plain_desc(y.shape()));
  dnnl::binary::primitive_desc pd(desc, cpu_engine());
  dnnl::binary(pd).execute(cpu_stream(), {{DNNL_ARG_SRC_0, plain_memory(a)},
                                          {DNNL_ARG_SRC_1, plain_memory(b)},
                                          {DNNL_ARG_DST, plain_memory(y)}});
  cpu_stream().wait();
  return y;
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  return binary(BinaryOp::add, Tensor(shape, 0.0f), x);
}

Tensor sum_to(const Tensor& gradient, const Shape& shape) {
  if (gradient.shape() == shape) return gradient;
  if (broadcast_shapes(gradient.shape(), shape) != gradient.shape())
    throw Error("cannot sum " + shape_to_string(gradient.shape()) + " to " + shape_to_string(shape));
  Tensor y = Tensor::uninitialized(shape);
  dnnl::reduction::desc desc(dnnl::algorithm::reduction_sum, plain_desc(gradient.shape()), plain_desc(shape), 0.0f, 0.0f);
  dnnl::reduction::primitive_desc pd(desc, cpu_engine());
  dnnl::reduction(pd).execute(cpu_stream(), {{DNNL_ARG_SRC, plain_memory(gradient)}, {DNNL_ARG_DST, plain_memory(y)}});
  cpu_stream().wait();
  return y;
}

}  // namespace bottleneck::backend
