#include "backend/dnnl_context.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck::backend {

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  static dnnl::stream stream(cpu_engine());
  return stream;
}

dnnl::memory::desc nhwc_desc(const Shape& s, dnnl::memory::data_type type) {
  if (s.size() != 4) throw Error("expected an NHWC tensor, got shape " + shape_to_string(s));
  return dnnl::memory::desc({s[0], s[3], s[1], s[2]}, type, dnnl::memory::format_tag::nhwc);
}

dnnl::memory nhwc_memory(const Tensor& x) {
  return dnnl::memory(nhwc_desc(x.shape()), cpu_engine(), const_cast<float*>(x.data()));
}

FeatureMap FeatureMap::uninitialized(const Shape& shape, bool bfloat16) {
  FeatureMap map;
  const int64_t values = shape_size(shape);
  map.storage = Tensor::uninitialized({bfloat16 ? (values + 1) / 2 : values});  // two bfloat16 per float
  if (!bfloat16) map.storage = map.storage.reshape(shape);
  map.shape = shape;
  map.bfloat16 = bfloat16;
  return map;
}

dnnl::memory FeatureMap::memory() const {
  using dt = dnnl::memory::data_type;
  return dnnl::memory(nhwc_desc(shape, bfloat16 ? dt::bf16 : dt::f32), cpu_engine(), const_cast<float*>(storage.data()));
}

FeatureMap FeatureMap::as(bool to_bfloat16) const { return to_bfloat16 == bfloat16 ? *this : copy_as(to_bfloat16); }

FeatureMap FeatureMap::copy_as(bool to_bfloat16) const {
  FeatureMap copy = uninitialized(shape, to_bfloat16);
  dnnl::memory source = memory(), target = copy.memory();
  dnnl::reorder(source, target).execute(cpu_stream(), source, target);
  cpu_stream().wait();
  return copy;
}

}  // namespace bottleneck::backend
