#include "backend/batch_normalization.hpp"

#include <oneapi/dnnl/dnnl.hpp>

#include "backend/dnnl_context.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

using dnnl::memory;
using flags = dnnl::normalization_flags;

struct BatchNormalization::Plan {
  memory::desc data_desc, channel_desc;
  flags flag_set;
  dnnl::batch_normalization_forward::primitive_desc forward_pd;
  dnnl::batch_normalization_forward forward;
  // Created on the first backward only.
  std::unique_ptr<dnnl::batch_normalization_backward::primitive_desc> backward_pd;
  bool scale = false, shift = false;
};

BatchNormalization::BatchNormalization(float epsilon) : epsilon_(epsilon) {}
BatchNormalization::~BatchNormalization() = default;
BatchNormalization::BatchNormalization(BatchNormalization&&) noexcept = default;

BatchNormalization::Plan& BatchNormalization::plan_for(int64_t rows, int64_t channels, bool scale, bool shift,
                                                       bool batch_statistics, bool training) {
  auto key = std::make_tuple(rows, channels, scale, shift, batch_statistics, training);
  auto it = plans_.find(key);
  if (it != plans_.end()) return *it->second;
  auto plan = std::make_unique<Plan>();
  plan->scale = scale;
  plan->shift = shift;
  // (rows, channels) described as a 1 x channels x rows x 1 image in nhwc, the same memory:
  // oneDNN runs its JIT kernels on that, but a plain 2-D "nc" one 5-10x slower (measured at
  // 8x56x56x64 on AVX-512).
  plan->data_desc = memory::desc({1, channels, rows, 1}, memory::data_type::f32, memory::format_tag::nhwc);
  plan->channel_desc = memory::desc({channels}, memory::data_type::f32, memory::format_tag::x);
  plan->flag_set = flags::none;
  if (scale) plan->flag_set |= flags::use_scale;
  if (shift) plan->flag_set |= flags::use_shift;
  if (!batch_statistics) plan->flag_set |= flags::use_global_stats;
  // Batch statistics come out of a training forward only; backward needs one as its hint.
  const auto prop = training || batch_statistics ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::batch_normalization_forward::desc desc(prop, plan->data_desc, epsilon_, plan->flag_set);
  plan->forward_pd = dnnl::batch_normalization_forward::primitive_desc(desc, cpu_engine());
  plan->forward = dnnl::batch_normalization_forward(plan->forward_pd);
  return *plans_.emplace(key, std::move(plan)).first->second;
}

namespace {
memory wrap(const memory::desc& desc, const Tensor& t) {
  return memory(desc, cpu_engine(), const_cast<float*>(t.data()));
}
}  // namespace

Tensor BatchNormalization::forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& mean,
                                   Tensor& variance, bool batch_statistics, bool keep_for_backward) {
  if (x.rank() != 2) throw Error("BatchNormalization backend expects (rows, channels), got " + shape_to_string(x.shape()));
  const int64_t channels = x.dim(1);
  for (const Tensor* t : {&gamma, &beta})
    if (!t->empty() && t->size() != channels)
      throw Error("BatchNormalization: a weight of " + std::to_string(t->size()) + " values for " +
                  std::to_string(channels) + " channels");
  if (batch_statistics) {
    mean = Tensor::uninitialized({channels});
    variance = Tensor::uninitialized({channels});
  } else if (mean.size() != channels || variance.size() != channels) {
    throw Error("BatchNormalization: moving statistics do not match " + std::to_string(channels) + " channels");
  }
  Plan& plan = plan_for(x.dim(0), channels, !gamma.empty(), !beta.empty(), batch_statistics, keep_for_backward);
  Tensor y = Tensor::uninitialized(x.shape());
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, wrap(plan.data_desc, x)},
                                       {DNNL_ARG_DST, wrap(plan.data_desc, y)},
                                       {DNNL_ARG_MEAN, wrap(plan.channel_desc, mean)},
                                       {DNNL_ARG_VARIANCE, wrap(plan.channel_desc, variance)}};
  if (plan.scale) args.insert({DNNL_ARG_SCALE, wrap(plan.channel_desc, gamma)});
  if (plan.shift) args.insert({DNNL_ARG_SHIFT, wrap(plan.channel_desc, beta)});
  plan.forward.execute(cpu_stream(), args);
  cpu_stream().wait();
  if (keep_for_backward) {
    saved_gamma_ = gamma;
    saved_beta_ = beta;
    saved_input_ = x;
    // Copies: the caller's moving statistics may change before backward.
    saved_mean_ = mean.clone();
    saved_variance_ = variance.clone();
    saved_plan_ = &plan;
  }
  return y;
}

Tensor BatchNormalization::backward(const Tensor& output_gradient, Tensor* gamma_gradient, Tensor* beta_gradient) {
  if (!saved_plan_) throw Error("BatchNormalization backward called without a training forward pass");
  Plan& plan = *saved_plan_;
  if (output_gradient.shape() != saved_input_.shape())
    throw Error("BatchNormalization backward: gradient shape " + shape_to_string(output_gradient.shape()) +
                " differs from the input's " + shape_to_string(saved_input_.shape()));
  const bool affine = plan.scale || plan.shift;
  if (!plan.backward_pd) {
    dnnl::batch_normalization_backward::desc desc(affine ? dnnl::prop_kind::backward : dnnl::prop_kind::backward_data,
                                                  plan.data_desc, plan.data_desc, epsilon_, plan.flag_set);
    plan.backward_pd = std::make_unique<dnnl::batch_normalization_backward::primitive_desc>(desc, cpu_engine(),
                                                                                            plan.forward_pd);
  }
  const int64_t channels = saved_input_.dim(1);
  Tensor input_gradient = Tensor::uninitialized(saved_input_.shape());
  Tensor gamma_delta({channels}), beta_delta({channels});
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, wrap(plan.data_desc, saved_input_)},
                                       {DNNL_ARG_DIFF_DST, wrap(plan.data_desc, output_gradient)},
                                       {DNNL_ARG_MEAN, wrap(plan.channel_desc, saved_mean_)},
                                       {DNNL_ARG_VARIANCE, wrap(plan.channel_desc, saved_variance_)},
                                       {DNNL_ARG_DIFF_SRC, wrap(plan.data_desc, input_gradient)}};
  // oneDNN asks for the shift too, though the gradients do not depend on it.
  if (plan.scale) {
    args.insert({DNNL_ARG_SCALE, wrap(plan.channel_desc, saved_gamma_)});
    args.insert({DNNL_ARG_DIFF_SCALE, wrap(plan.channel_desc, gamma_delta)});
  }
  if (plan.shift) {
    args.insert({DNNL_ARG_SHIFT, wrap(plan.channel_desc, saved_beta_)});
    args.insert({DNNL_ARG_DIFF_SHIFT, wrap(plan.channel_desc, beta_delta)});
  }
  dnnl::batch_normalization_backward(*plan.backward_pd).execute(cpu_stream(), args);
  cpu_stream().wait();
  for (int64_t c = 0; c < channels; ++c) {
    if (plan.scale && gamma_gradient) (*gamma_gradient)[c] += gamma_delta[c];
    if (plan.shift && beta_gradient) (*beta_gradient)[c] += beta_delta[c];
  }
  return input_gradient;
}

}  // namespace bottleneck::backend
