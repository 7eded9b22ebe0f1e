#pragma once
// What Conv2D and DepthwiseConv2D run: a oneDNN convolution, its kernel and bias weights, and
// the activation after it: "relu" fused into the primitive (the backend masks its gradient),
// any other applied through activation_functions, which keeps the output backward needs.
#include <memory>
#include <string>

#include "backend/convolution.hpp"
#include "bottleneck/layers/activations.hpp"
#include "bottleneck/layers/layer.hpp"

namespace bottleneck::detail {

// The precision a layer under `policy` multiplies in.
inline backend::Precision precision_of(const DTypePolicy& policy) {
  return policy.computes_in_bfloat16() ? backend::Precision::bfloat16 : backend::Precision::float32;
}

class ActivatedConvolution {
public:
  // Throws an Error naming `layer` for an unknown activation.
  ActivatedConvolution(const backend::ConvGeometry& geometry, const std::string& activation, bool use_bias,
                       const std::string& kernel_name, const std::string& layer);

  // Allocates the kernel in Keras' shape (glorot-uniform) and the bias (zeros).
  // `backend_kernel_shape` is the same kernel as the backend reads it, (kh, kw, in / groups,
  // out): a depthwise kernel (kh, kw, in, dm) is read as (kh, kw, 1, in * dm).
  void build(const Shape& kernel_shape, const Shape& backend_kernel_shape, Rng& rng);

  // `weights_generation`: the layer's constant_weights_generation (0: the weights may have
  // changed since the last call).
  Tensor forward(const Tensor& x, bool keep_for_backward, backend::Precision precision, uint64_t weights_generation);
  // Inference with the layers that follow folded in: the result scaled and shifted per output
  // channel (a BatchNormalization's inference affine; empty tensors: none), then this layer's
  // own activation, then `post_ops`; a sum among them adds a copy of `residual`. The output is
  // bfloat16 when asked. Needs fuses_activation(); throws otherwise.
  backend::FeatureMap infer(const backend::FeatureMap& x, const Tensor& channel_scale, const Tensor& channel_shift,
                            const std::vector<backend::PostOp>& post_ops, const backend::FeatureMap& residual,
                            backend::Precision precision, uint64_t weights_generation, bool bfloat16_output);
  // Whether infer() runs this layer's activation inside the primitive (linear counts).
  bool fuses_activation() const;
  ActivationKind activation() const { return activation_; }
  // Adds the weights' gradients when `trainable`; returns dL/dx when asked.
  Tensor backward(const Tensor& output_gradient, bool trainable, bool need_input_gradient);

  std::vector<Parameter*> parameters();
  std::string activation_name() const { return bottleneck::activation_name(activation_); }
  bool use_bias() const { return use_bias_; }
  int64_t input_channels_per_group() const { return backend_kernel_shape_.at(2); }  // once built

  Parameter kernel;
  Parameter bias{"bias", {}, {}};

private:
  Tensor backend_kernel() const;
  // Sets folded_kernel_ and folded_bias_: this layer's kernel and bias scaled and shifted per
  // output channel.
  void fold(const Tensor& channel_scale, const Tensor& channel_shift);

  ActivationKind activation_;
  bool use_bias_;
  std::string layer_;
  Shape backend_kernel_shape_;
  backend::Convolution convolution_;
  // The kernel and bias with a normalization folded in, kept while the weights are held
  // constant (under folded_generation_, nonzero).
  Tensor folded_kernel_, folded_bias_;
  uint64_t folded_generation_ = 0;
  Tensor output_;          // after an unfused activation, for its backward
  Tensor pre_activation_;  // before it, for the activations whose derivative needs it (swish, gelu)
};

}  // namespace bottleneck::detail
