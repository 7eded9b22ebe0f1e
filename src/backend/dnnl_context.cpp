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

dnnl::memory nhwc_bfloat16_copy(const Tensor& x, Tensor& storage) {
  storage = Tensor::uninitialized({(x.size() + 1) / 2});  // two bfloat16 per float
  dnnl::memory source = nhwc_memory(x);
  dnnl::memory copy(nhwc_desc(x.shape(), dnnl::memory::data_type::bf16), cpu_engine(), storage.data());
  dnnl::reorder(source, copy).execute(cpu_stream(), source, copy);
  return copy;
}

}  // namespace bottleneck::backend
