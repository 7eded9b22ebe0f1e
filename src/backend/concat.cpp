#include "backend/concat.hpp"

#include "backend/dnnl_context.hpp"
#include "backend/plain_memory.hpp"
#include "backend/window_copy.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

Tensor concat(const std::vector<Tensor>& parts, int axis) {
  if (parts.empty()) throw Error("Concatenate needs at least one input");
  Shape out = parts[0].shape();
  if (axis < 0 || axis >= static_cast<int>(out.size()))
    throw Error("Concatenate: axis " + std::to_string(axis) + " is outside shape " + shape_to_string(out));
  out[axis] = 0;
  const Shape outside_axis = out;
  std::vector<dnnl::memory::desc> descs;
  std::unordered_map<int, dnnl::memory> args;
  for (size_t i = 0; i < parts.size(); ++i) {
    Shape s = parts[i].shape();
    const int64_t size = s.size() == out.size() ? s[axis] : 0;
    if (s.size() == out.size()) s[axis] = 0;
    if (s != outside_axis)
      throw Error("Concatenate: shapes " + shape_to_string(parts[0].shape()) + " and " +
                  shape_to_string(parts[i].shape()) + " differ outside axis " + std::to_string(axis));
    descs.push_back(plain_desc(parts[i].shape()));
    args.insert({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), plain_memory(parts[i])});
    out[axis] += size;
  }
  Tensor y = Tensor::uninitialized(out);
  dnnl::concat::primitive_desc pd(plain_desc(out), axis, descs, cpu_engine());
  args.insert({DNNL_ARG_DST, plain_memory(y)});
  dnnl::concat(pd).execute(cpu_stream(), args);
  cpu_stream().wait();
  return y;
}

std::vector<Tensor> split(const Tensor& gradient, const std::vector<int64_t>& sizes, int axis) {
  std::vector<Tensor> parts;
  Shape offsets(gradient.shape().size(), 0);
  for (int64_t size : sizes) {
    Shape box = gradient.shape();
    box.at(axis) = size;
    parts.push_back(crop(gradient, offsets, box));
    offsets[axis] += size;
  }
  return parts;
}

}  // namespace bottleneck::backend
