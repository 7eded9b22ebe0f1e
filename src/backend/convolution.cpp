#include "backend/convolution.hpp"

#include <algorithm>
#include <bit>

#include "backend/dnnl_context.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

WindowPlacement place_window(int64_t in_h, int64_t in_w, const ConvGeometry& g) {
  // A zero stride would divide by zero below; a zero window has no output.
  if (g.kernel_h < 1 || g.kernel_w < 1 || g.stride_h < 1 || g.stride_w < 1)
    throw Error("window " + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " with strides " +
                std::to_string(g.stride_h) + "x" + std::to_string(g.stride_w) + ": both must be at least 1");
  WindowPlacement p{};
  auto place = [&](int64_t in, int64_t kernel, int64_t s, int64_t dilation, int64_t& out, int64_t& before,
                   int64_t& after) {
    const int64_t k = (kernel - 1) * dilation + 1;
    if (g.padding == Padding::valid) {
      if (in < k)
        throw Error("input of size " + std::to_string(in) + " is smaller than the window " + std::to_string(k));
      out = (in - k) / s + 1;
      before = after = 0;
    } else {
      out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>((out - 1) * s + k - in, 0);
      before = total / 2;
      after = total - before;
    }
  };
  place(in_h, g.kernel_h, g.stride_h, g.dilation_h, p.out_h, p.pad_top, p.pad_bottom);
  place(in_w, g.kernel_w, g.stride_w, g.dilation_w, p.out_w, p.pad_left, p.pad_right);
  return p;
}

struct Convolution::Plan {
  Shape output_shape;
  Precision precision;
  dt product_type;  // what input, kernel and output gradient are multiplied in
  memory::desc kernel_user_desc;  // (O, I, kh, kw) logical, HWIO in memory: Keras' layout
  dnnl::convolution_forward::primitive_desc forward_pd;
  dnnl::convolution_forward forward;
  // Created on the first backward only (inference never pays for them).
  std::unique_ptr<dnnl::convolution_backward_data::primitive_desc> backward_data_pd;
  std::unique_ptr<dnnl::convolution_backward_weights::primitive_desc> backward_weights_pd;
  memory::dims strides, dilates, pad_l, pad_r;
  memory::desc src_desc, dst_desc, bias_desc;
};

namespace {
// The kernel (kh, kw, Cin / groups, Cout) as oneDNN sees it: (O, I, kh, kw), or (G, O / G,
// I / G, kh, kw) when grouped; `layout` tag::undef means Keras' own memory order.
memory::desc kernel_desc(const Shape& k, int64_t input_channels, tag layout, dt type = dt::f32) {
  const int64_t groups = input_channels / k[2];
  if (groups == 1) return memory::desc({k[3], k[2], k[0], k[1]}, type, layout == tag::undef ? tag::hwio : layout);
  return memory::desc({groups, k[3] / groups, k[2], k[0], k[1]}, type, layout == tag::undef ? tag::hwigo : layout);
}
}  // namespace

Convolution::Convolution(ConvGeometry geometry, bool fused_relu) : geometry_(geometry), fused_relu_(fused_relu) {}
Convolution::~Convolution() = default;
Convolution::Convolution(Convolution&&) noexcept = default;

Convolution::Plan& Convolution::plan_for(const Shape& x, const Shape& k, bool has_bias, bool training,
                                         const std::vector<PostOp>& post_ops, Precision precision,
                                         bool bfloat16_output) {
  // The key: shapes, bias, mode, precision, output type and each post-op (kind, algorithm,
  // alpha and beta's bits).
  Shape key = x;
  key.insert(key.end(), k.begin(), k.end());
  key.push_back(has_bias);
  key.push_back(training);
  key.push_back(static_cast<int64_t>(precision));
  key.push_back(bfloat16_output);
  for (const PostOp& op : post_ops)
    key.insert(key.end(), {op.kind, static_cast<int64_t>(op.function.algorithm), std::bit_cast<int32_t>(op.function.alpha),
                           std::bit_cast<int32_t>(op.function.beta)});
  auto it = plans_.find(key);
  if (it != plans_.end()) return *it->second;

  if (x.size() != 4) throw Error("Conv2D expects (batch, height, width, channels), got " + shape_to_string(x));
  if (k[2] <= 0 || x[3] % k[2] != 0 || k[3] % (x[3] / k[2]) != 0)
    throw Error("Conv2D kernel " + shape_to_string(k) + " does not fit " + std::to_string(x[3]) + " input channels");
  WindowPlacement p = place_window(x[1], x[2], geometry_);
  auto plan = std::make_unique<Plan>();
  plan->output_shape = {x[0], p.out_h, p.out_w, k[3]};
  plan->precision = precision;
  plan->product_type = convolution_precision(precision, k[2]) == Precision::bfloat16 ? dt::bf16 : dt::f32;
  plan->strides = {geometry_.stride_h, geometry_.stride_w};
  plan->dilates = {geometry_.dilation_h - 1, geometry_.dilation_w - 1};  // oneDNN counts from 0
  plan->pad_l = {p.pad_top, p.pad_left};
  plan->pad_r = {p.pad_bottom, p.pad_right};
  plan->src_desc = nhwc_desc(x, plan->product_type);
  plan->dst_desc = nhwc_desc(plan->output_shape, bfloat16_output ? dt::bf16 : dt::f32);
  plan->kernel_user_desc = kernel_desc(k, x[3], tag::undef);
  memory::desc kernel_any = kernel_desc(k, x[3], tag::any, plan->product_type);
  plan->bias_desc = has_bias ? memory::desc({k[3]}, dt::f32, tag::x) : memory::desc();
  dnnl::convolution_forward::desc desc(
      training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference,
      dnnl::algorithm::convolution_direct, plan->src_desc, kernel_any, plan->bias_desc, plan->dst_desc, plan->strides,
      plan->dilates, plan->pad_l, plan->pad_r);
  dnnl::post_ops ops;
  for (const PostOp& op : post_ops) {
    if (op.kind == PostOp::sum)
      ops.append_sum(1.0f);
    else
      ops.append_eltwise(1.0f, op.function.algorithm, op.function.alpha, op.function.beta);
  }
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  plan->forward_pd = dnnl::convolution_forward::primitive_desc(desc, attr, cpu_engine());
  plan->forward = dnnl::convolution_forward(plan->forward_pd);
  return *plans_.emplace(key, std::move(plan)).first->second;
}

namespace {
// The kernel in whatever blocked layout the primitive chose, reordered from Keras' HWIO on
// every call (weights change during training) into `buffer`, which is allocated only when
// the layout changes, so batches do not churn the heap.
memory kernel_for(const memory::desc& wanted, const memory::desc& user_desc, const Tensor& kernel,
                  std::unique_ptr<memory>& buffer) {
  memory user(user_desc, cpu_engine(), const_cast<float*>(kernel.data()));
  if (wanted == user_desc) return user;
  if (!buffer || buffer->get_desc() != wanted) buffer = std::make_unique<memory>(wanted, cpu_engine());
  dnnl::reorder(user, *buffer).execute(cpu_stream(), user, *buffer);
  return *buffer;
}
}  // namespace

namespace {
const std::vector<PostOp> fused_relu_only{{PostOp::eltwise, {dnnl::algorithm::eltwise_relu}}};
}  // namespace

Tensor Convolution::forward(const Tensor& x, const Tensor& kernel, const Tensor& bias, bool training,
                            Precision precision, uint64_t kernel_generation) {
  Plan& plan = plan_for(x.shape(), kernel.shape(), !bias.empty(), true,
                        fused_relu_ ? fused_relu_only : std::vector<PostOp>{}, precision);
  FeatureMap y = FeatureMap::uninitialized(plan.output_shape, false);
  run(plan, FeatureMap(x), kernel, bias, y, training ? 0 : kernel_generation);
  if (training) {
    saved_input_ = x;
    saved_output_ = y.storage;
    saved_plan_ = &plan;
  }
  return y.storage;
}

FeatureMap Convolution::forward_inference(const FeatureMap& x, const Tensor& kernel, const Tensor& bias,
                                          const std::vector<PostOp>& post_ops, FeatureMap accumulator,
                                          Precision precision, uint64_t kernel_generation, bool bfloat16_output) {
  Plan& plan = plan_for(x.shape, kernel.shape(), !bias.empty(), false, post_ops, precision, bfloat16_output);
  const bool sums = std::any_of(post_ops.begin(), post_ops.end(), [](const PostOp& op) { return op.kind == PostOp::sum; });
  if (sums && (accumulator.shape != plan.output_shape || accumulator.bfloat16 != bfloat16_output))
    throw Error("Conv2D: the summed tensor " + shape_to_string(accumulator.shape) + " differs from the output " +
                shape_to_string(plan.output_shape));
  FeatureMap y = sums ? accumulator : FeatureMap::uninitialized(plan.output_shape, bfloat16_output);
  run(plan, x, kernel, bias, y, kernel_generation);
  return y;
}

void Convolution::run(Plan& plan, const FeatureMap& x, const Tensor& kernel, const Tensor& bias, FeatureMap& y,
                      uint64_t kernel_generation) {
  const FeatureMap product_input = x.as(plan.product_type == dt::bf16);
  memory src = product_input.memory(), dst = y.memory();
  const memory::desc& wanted = plan.forward_pd.weights_desc();
  const bool reusable = kernel_generation != 0 && kernel_generation == forward_kernel_generation_ && forward_kernel_ &&
                        forward_kernel_->get_desc() == wanted;
  memory weights = reusable ? *forward_kernel_ : kernel_for(wanted, plan.kernel_user_desc, kernel, forward_kernel_);
  // Only a copy the primitive's layout needed can be reused (a kernel used as it lies is no copy).
  forward_kernel_generation_ = wanted != plan.kernel_user_desc ? kernel_generation : 0;
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
  if (!bias.empty()) args.insert({DNNL_ARG_BIAS, memory(plan.bias_desc, cpu_engine(), const_cast<float*>(bias.data()))});
  plan.forward.execute(cpu_stream(), args);
  cpu_stream().wait();
}

Tensor Convolution::backward(const Tensor& output_gradient, const Tensor& kernel, Tensor* kernel_gradient,
                             Tensor* bias_gradient, bool need_input_gradient) {
  if (!saved_plan_) throw Error("Conv2D backward called without a training forward pass");
  Plan& plan = *saved_plan_;
  if (output_gradient.shape() != plan.output_shape)
    throw Error("Conv2D backward: gradient shape " + shape_to_string(output_gradient.shape()) + " differs from output " +
                shape_to_string(plan.output_shape));

  // Through the fused ReLU: the gradient passes where the output is positive.
  Tensor grad = output_gradient;
  if (fused_relu_) {
    grad = Tensor::uninitialized(output_gradient.shape());
    const float* y = saved_output_.data();
    const float* g = output_gradient.data();
    float* d = grad.data();
    const int64_t n = grad.size();
#pragma omp parallel for
    for (int64_t i = 0; i < n; ++i) d[i] = y[i] > 0.0f ? g[i] : 0.0f;
  }
  const FeatureMap product_gradient = FeatureMap(grad).as(plan.product_type == dt::bf16);
  memory diff_dst = product_gradient.memory();
  const Shape& k = kernel.shape();
  // Gradients of the weights are float32 whatever the product type.
  memory::desc kernel_any = kernel_desc(k, saved_input_.dim(3), tag::any);
  memory::desc product_kernel_any = kernel_desc(k, saved_input_.dim(3), tag::any, plan.product_type);
  const memory::desc product_dst_desc = nhwc_desc(plan.output_shape, plan.product_type);

  if (kernel_gradient) {
    if (!plan.backward_weights_pd) {
      dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, plan.src_desc, kernel_any,
                                                    plan.bias_desc, product_dst_desc, plan.strides, plan.dilates,
                                                    plan.pad_l, plan.pad_r);
      plan.backward_weights_pd = std::make_unique<dnnl::convolution_backward_weights::primitive_desc>(
          desc, cpu_engine(), plan.forward_pd);
    }
    auto& pd = *plan.backward_weights_pd;
    memory diff_weights(pd.diff_weights_desc(), cpu_engine());
    const bool has_bias = !plan.bias_desc.is_zero();
    Tensor bias_delta(has_bias ? Shape{k[3]} : Shape{0});
    const FeatureMap product_input = FeatureMap(saved_input_).as(plan.product_type == dt::bf16);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, product_input.memory()},
                                         {DNNL_ARG_DIFF_DST, diff_dst},
                                         {DNNL_ARG_DIFF_WEIGHTS, diff_weights}};
    if (has_bias) args.insert({DNNL_ARG_DIFF_BIAS, memory(plan.bias_desc, cpu_engine(), bias_delta.data())});
    dnnl::convolution_backward_weights(pd).execute(cpu_stream(), args);
    Tensor kernel_delta = Tensor::uninitialized(k);
    memory user(plan.kernel_user_desc, cpu_engine(), kernel_delta.data());
    dnnl::reorder(diff_weights, user).execute(cpu_stream(), diff_weights, user);
    cpu_stream().wait();
    for (int64_t i = 0; i < kernel_delta.size(); ++i) (*kernel_gradient)[i] += kernel_delta[i];
    if (has_bias && bias_gradient)
      for (int64_t i = 0; i < bias_delta.size(); ++i) (*bias_gradient)[i] += bias_delta[i];
  }

  if (!need_input_gradient) return Tensor();
  if (!plan.backward_data_pd) {
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, nhwc_desc(saved_input_.shape()),
                                               product_kernel_any, product_dst_desc, plan.strides, plan.dilates,
                                               plan.pad_l, plan.pad_r);
    plan.backward_data_pd =
        std::make_unique<dnnl::convolution_backward_data::primitive_desc>(desc, cpu_engine(), plan.forward_pd);
  }
  auto& pd = *plan.backward_data_pd;
  Tensor input_gradient = Tensor::uninitialized(saved_input_.shape());
  memory weights = kernel_for(pd.weights_desc(), plan.kernel_user_desc, kernel, backward_data_kernel_);
  dnnl::convolution_backward_data(pd).execute(
      cpu_stream(),
      {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, nhwc_memory(input_gradient)}});
  cpu_stream().wait();
  return input_gradient;
}

}  // namespace bottleneck::backend
