#include "backend/eltwise.hpp"

#include "backend/dnnl_context.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

using dnnl::memory;

namespace {
memory::desc flat_desc(const Tensor& t) {
  return memory::desc({t.size()}, memory::data_type::f32, memory::format_tag::a);
}

memory flat_memory(const Tensor& t) {
  return memory(flat_desc(t), cpu_engine(), const_cast<float*>(t.data()));
}

dnnl::eltwise_forward::primitive_desc forward_pd(const Eltwise& f, const Tensor& x) {
  dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_training, f.algorithm, flat_desc(x), f.alpha, f.beta);
  return dnnl::eltwise_forward::primitive_desc(desc, cpu_engine());
}
}  // namespace

void eltwise_forward(const Eltwise& f, Tensor& x) {
  if (x.size() == 0) return;
  memory m = flat_memory(x);
  dnnl::eltwise_forward(forward_pd(f, x)).execute(cpu_stream(), {{DNNL_ARG_SRC, m}, {DNNL_ARG_DST, m}});
  cpu_stream().wait();
}

void eltwise_backward(const Eltwise& f, const Tensor& data, Tensor& gradient) {
  if (data.size() != gradient.size())
    throw Error("eltwise backward: data " + shape_to_string(data.shape()) + " and gradient " +
                shape_to_string(gradient.shape()) + " differ");
  if (data.size() == 0) return;
  dnnl::eltwise_backward::desc desc(f.algorithm, flat_desc(gradient), flat_desc(data), f.alpha, f.beta);
  dnnl::eltwise_backward::primitive_desc pd(desc, cpu_engine(), forward_pd(f, data));
  memory g = flat_memory(gradient);
  // DNNL_ARG_DST for the use_dst algorithms, DNNL_ARG_SRC otherwise: oneDNN reads the one it needs.
  memory d = flat_memory(data);
  dnnl::eltwise_backward(pd).execute(cpu_stream(),
                                     {{DNNL_ARG_SRC, d}, {DNNL_ARG_DST, d}, {DNNL_ARG_DIFF_DST, g}, {DNNL_ARG_DIFF_SRC, g}});
  cpu_stream().wait();
}

}  // namespace bottleneck::backend
