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

dnnl::memory::desc nhwc_desc(const Shape& s) {
  if (s.size() != 4) throw Error("expected an NHWC tensor, got shape " + shape_to_string(s));
  return dnnl::memory::desc({s[0], s[3], s[1], s[2]}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc);
}

dnnl::memory nhwc_memory(const Tensor& x) {
  return dnnl::memory(nhwc_desc(x.shape()), cpu_engine(), const_cast<float*>(x.data()));
}

}  // namespace bottleneck::backend
