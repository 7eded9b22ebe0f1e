#include "backend/pooling.hpp"

#include "backend/dnnl_context.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

using dnnl::memory;

struct Pooling::Plan {
  Shape input_shape, output_shape;
  dnnl::pooling_v2_forward::primitive_desc forward_pd;
  std::unique_ptr<dnnl::pooling_v2_backward::primitive_desc> backward_pd;
  memory::dims kernel, strides, pad_l, pad_r;
};

Pooling::Pooling(PoolKind kind, ConvGeometry geometry) : kind_(kind), geometry_(geometry) {}
Pooling::~Pooling() = default;
Pooling::Pooling(Pooling&&) noexcept = default;

namespace {
dnnl::algorithm algorithm_of(PoolKind kind) {
  return kind == PoolKind::max ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
}
}  // namespace

Pooling::Plan& Pooling::plan_for(const Shape& x, bool training, bool bfloat16) {
  Shape key = x;
  key.insert(key.end(), {training, bfloat16});
  auto it = plans_.find(key);
  if (it != plans_.end()) return *it->second;
  if (x.size() != 4) throw Error("pooling expects (batch, height, width, channels), got " + shape_to_string(x));
  ConvGeometry g = geometry_;
  if (g.kernel_h == 0) g = {x[1], x[2], 1, 1, Padding::valid};
  WindowPlacement p = place_window(x[1], x[2], g);
  auto plan = std::make_unique<Plan>();
  plan->input_shape = x;
  plan->output_shape = {x[0], p.out_h, p.out_w, x[3]};
  plan->kernel = {g.kernel_h, g.kernel_w};
  plan->strides = {g.stride_h, g.stride_w};
  plan->pad_l = {p.pad_top, p.pad_left};
  plan->pad_r = {p.pad_bottom, p.pad_right};
  const memory::data_type type = bfloat16 ? memory::data_type::bf16 : memory::data_type::f32;
  dnnl::pooling_v2_forward::desc desc(
      training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference, algorithm_of(kind_),
      nhwc_desc(x, type), nhwc_desc(plan->output_shape, type), plan->strides, plan->kernel, {0, 0}, plan->pad_l,
      plan->pad_r);
  plan->forward_pd = dnnl::pooling_v2_forward::primitive_desc(desc, cpu_engine());
  return *plans_.emplace(key, std::move(plan)).first->second;
}

FeatureMap Pooling::forward_inference(const FeatureMap& x) {
  Plan& plan = plan_for(x.shape, false, x.bfloat16);
  FeatureMap y = FeatureMap::uninitialized(plan.output_shape, x.bfloat16);
  dnnl::pooling_v2_forward(plan.forward_pd)
      .execute(cpu_stream(), {{DNNL_ARG_SRC, x.memory()}, {DNNL_ARG_DST, y.memory()}});
  cpu_stream().wait();
  return y;
}

Tensor Pooling::forward(const Tensor& x, bool training) {
  Plan& plan = plan_for(x.shape());
  Tensor y = Tensor::uninitialized(plan.output_shape);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, nhwc_memory(x)}, {DNNL_ARG_DST, nhwc_memory(y)}};
  std::unique_ptr<memory> workspace;
  if (plan.forward_pd.workspace_desc().get_size() > 0) {
    workspace = std::make_unique<memory>(plan.forward_pd.workspace_desc(), cpu_engine());
    args.insert({DNNL_ARG_WORKSPACE, *workspace});
  }
  dnnl::pooling_v2_forward(plan.forward_pd).execute(cpu_stream(), args);
  cpu_stream().wait();
  if (training) {
    saved_plan_ = &plan;
    saved_workspace_ = std::move(workspace);
  }
  return y;
}

Tensor Pooling::backward(const Tensor& output_gradient) {
  if (!saved_plan_) throw Error("pooling backward called without a training forward pass");
  Plan& plan = *saved_plan_;
  if (output_gradient.shape() != plan.output_shape)
    throw Error("pooling backward: gradient shape " + shape_to_string(output_gradient.shape()) + " differs from output " +
                shape_to_string(plan.output_shape));
  if (!plan.backward_pd) {
    dnnl::pooling_v2_backward::desc desc(algorithm_of(kind_), nhwc_desc(plan.input_shape),
                                         nhwc_desc(plan.output_shape), plan.strides, plan.kernel, {0, 0}, plan.pad_l,
                                         plan.pad_r);
    plan.backward_pd = std::make_unique<dnnl::pooling_v2_backward::primitive_desc>(desc, cpu_engine(), plan.forward_pd);
  }
  Tensor input_gradient = Tensor::uninitialized(plan.input_shape);
  std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, nhwc_memory(output_gradient)},
                                       {DNNL_ARG_DIFF_SRC, nhwc_memory(input_gradient)}};
  if (saved_workspace_) args.insert({DNNL_ARG_WORKSPACE, *saved_workspace_});
  dnnl::pooling_v2_backward(*plan.backward_pd).execute(cpu_stream(), args);
  cpu_stream().wait();
  return input_gradient;
}

}  // namespace bottleneck::backend
