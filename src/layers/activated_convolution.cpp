#include "layers/activated_convolution.hpp"

#include "bottleneck/error.hpp"
#include "layers/activation_functions.hpp"
#include "layers/initializers.hpp"

namespace bottleneck::detail {

namespace {
ActivationKind parse_for(const std::string& activation, const std::string& layer) {
  try {
    return parse_activation(activation);
  } catch (const Error& e) {
    throw Error(layer + ": " + e.what());
  }
}

bool fused(ActivationKind kind) { return kind == ActivationKind::relu; }
}  // namespace

ActivatedConvolution::ActivatedConvolution(const backend::ConvGeometry& geometry, const std::string& activation,
                                           bool use_bias, const std::string& kernel_name, const std::string& layer)
    : kernel{kernel_name, {}, {}},
      activation_(parse_for(activation, layer)),
      use_bias_(use_bias),
      layer_(layer),
      convolution_(geometry, fused(activation_)) {}

void ActivatedConvolution::build(const Shape& kernel_shape, const Shape& backend_kernel_shape, Rng& rng) {
  kernel.value = Tensor(kernel_shape);
  kernel.gradient = Tensor(kernel_shape);
  glorot_uniform(kernel.value, rng);
  backend_kernel_shape_ = backend_kernel_shape;
  if (use_bias_) {
    bias.value = Tensor({backend_kernel_shape.at(3)});
    bias.gradient = Tensor({backend_kernel_shape.at(3)});
  }
}

Tensor ActivatedConvolution::backend_kernel() const {
  if (backend_kernel_shape_.empty()) throw Error(layer_ + " is not built");
  return kernel.value.reshape(backend_kernel_shape_);
}

Tensor ActivatedConvolution::forward(const Tensor& x, bool keep_for_backward, backend::Precision precision,
                                     uint64_t weights_generation) {
  Tensor y = convolution_.forward(x, backend_kernel(), bias.value, keep_for_backward, precision, weights_generation);
  if (fused(activation_) || activation_ == ActivationKind::linear) return y;
  pre_activation_ = keep_for_backward && activation_backward_needs_input(activation_) ? y.clone() : Tensor();
  activate(activation_, y);
  output_ = keep_for_backward ? y : Tensor();
  return y;
}

bool ActivatedConvolution::fuses_activation() const {
  return activation_ == ActivationKind::linear || inference_function(activation_).has_value();
}

void ActivatedConvolution::fold(const Tensor& channel_scale, const Tensor& channel_shift) {
  // k' = k * scale[o], b' = b * scale[o] + shift[o]: output channels are the kernel's last axis.
  const int64_t channels = channel_scale.size();
  if (backend_kernel_shape_.back() != channels || channel_shift.size() != channels)
    throw Error(layer_ + ": " + std::to_string(channels) + " channel factors for " +
                std::to_string(backend_kernel_shape_.back()) + " output channels");
  folded_kernel_ = backend_kernel().clone();
  float* k = folded_kernel_.data();
  for (int64_t row = 0; row < folded_kernel_.size() / channels; ++row, k += channels)
    for (int64_t o = 0; o < channels; ++o) k[o] *= channel_scale[o];
  folded_bias_ = Tensor({channels});
  for (int64_t o = 0; o < channels; ++o)
    folded_bias_[o] = (use_bias_ ? bias.value[o] : 0.0f) * channel_scale[o] + channel_shift[o];
}

backend::FeatureMap ActivatedConvolution::infer(const backend::FeatureMap& x, const Tensor& channel_scale,
                                                const Tensor& channel_shift,
                                                const std::vector<backend::PostOp>& post_ops,
                                                const backend::FeatureMap& residual, backend::Precision precision,
                                                uint64_t weights_generation, bool bfloat16_output) {
  if (!fuses_activation()) throw Error(layer_ + ": its activation cannot run inside the convolution");
  if (!channel_scale.empty() && activation_ != ActivationKind::linear)
    throw Error(layer_ + ": a normalization cannot be folded in after the activation");
  Tensor kernel_now = backend_kernel(), bias_now = bias.value;
  if (!channel_scale.empty()) {
    if (weights_generation == 0 || weights_generation != folded_generation_) fold(channel_scale, channel_shift);
    kernel_now = folded_kernel_;
    bias_now = folded_bias_;
    folded_generation_ = weights_generation;
    if (weights_generation == 0) folded_kernel_ = folded_bias_ = Tensor();  // the weights may change: keep nothing
  }
  std::vector<backend::PostOp> ops;
  if (activation_ != ActivationKind::linear) ops.push_back({backend::PostOp::eltwise, *inference_function(activation_)});
  ops.insert(ops.end(), post_ops.begin(), post_ops.end());
  return convolution_.forward_inference(x, kernel_now, bias_now, ops,
                                        residual.empty() ? backend::FeatureMap() : residual.copy_as(bfloat16_output),
                                        precision, weights_generation, bfloat16_output);
}

Tensor ActivatedConvolution::backward(const Tensor& output_gradient, bool trainable, bool need_input_gradient) {
  Tensor g = output_gradient;
  if (!fused(activation_) && activation_ != ActivationKind::linear) {
    if (output_.empty()) throw Error(layer_ + ": backward() without a training forward");
    g = output_gradient.clone();
    activation_backward(activation_, pre_activation_, output_, g);
    output_ = pre_activation_ = Tensor();
  }
  // The gradients are added into by flat index, so Keras-shaped tensors serve as they are.
  return convolution_.backward(g, backend_kernel(), trainable ? &kernel.gradient : nullptr,
                               trainable && use_bias_ ? &bias.gradient : nullptr, need_input_gradient);
}

std::vector<Parameter*> ActivatedConvolution::parameters() {
  if (use_bias_) return {&kernel, &bias};
  return {&kernel};
}

}  // namespace bottleneck::detail
