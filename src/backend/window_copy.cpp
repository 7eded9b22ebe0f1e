#include "backend/window_copy.hpp"

#include "backend/dnnl_context.hpp"
#include "backend/plain_memory.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

namespace {
// The sub-memory of `whole` that is the box of `box_shape` at `offsets`.
dnnl::memory box_of(const Tensor& whole, const Shape& offsets, const Shape& box_shape) {
  if (offsets.size() != whole.shape().size() || box_shape.size() != offsets.size())
    throw Error("box of rank " + std::to_string(box_shape.size()) + " in a tensor of shape " +
                shape_to_string(whole.shape()));
  for (size_t i = 0; i < offsets.size(); ++i)
    if (offsets[i] < 0 || box_shape[i] < 0 || offsets[i] + box_shape[i] > whole.shape()[i])
      throw Error("box " + shape_to_string(box_shape) + " at " + shape_to_string(offsets) + " lies outside " +
                  shape_to_string(whole.shape()));
  dnnl::memory::desc desc = plain_desc(whole.shape()).submemory_desc(box_shape, offsets);
  return dnnl::memory(desc, cpu_engine(), const_cast<float*>(whole.data()));
}

void reorder(dnnl::memory from, dnnl::memory to) {
  dnnl::reorder(from, to).execute(cpu_stream(), from, to);
  cpu_stream().wait();
}
}  // namespace

Tensor crop(const Tensor& x, const Shape& offsets, const Shape& box_shape) {
  dnnl::memory box = box_of(x, offsets, box_shape);
  Tensor y = Tensor::uninitialized(box_shape);
  if (y.empty()) return y;
  reorder(box, plain_memory(y));
  return y;
}

Tensor zero_pad(const Tensor& x, const Shape& offsets, const Shape& shape) {
  Tensor y(shape, 0.0f);
  dnnl::memory box = box_of(y, offsets, x.shape());
  if (x.empty()) return y;
  reorder(plain_memory(x), box);
  return y;
}

}  // namespace bottleneck::backend
