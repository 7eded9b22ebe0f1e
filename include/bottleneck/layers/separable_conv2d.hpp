#pragma once
// keras.layers.SeparableConv2D: a depthwise convolution (kh, kw, in, depth_multiplier) with the
// layer's strides, padding and dilation, then a pointwise 1x1 convolution (1, 1, in *
// depth_multiplier, filters), then the bias and the activation. Variables: depthwise_kernel,
// pointwise_kernel, bias.
#include <string>

#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/depthwise_conv2d.hpp"
#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

struct SeparableConv2DOptions {
  int64_t kernel_h = 3, kernel_w = 3;
  int64_t stride_h = 1, stride_w = 1;
  std::string padding = "valid";  // "valid" or "same" (TensorFlow's: the odd pixel goes bottom/right)
  int64_t depth_multiplier = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  std::string activation = "linear";  // any keras.activations name
  bool use_bias = true;
  std::string name;  // empty: Keras' automatic name (separable_conv2d, separable_conv2d_1, ...)
};

class SeparableConv2DLayer : public Layer {
public:
  SeparableConv2DLayer(int64_t filters, SeparableConv2DOptions options);

  std::string class_name() const override { return "SeparableConv2D"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  std::vector<Parameter*> parameters() override;
  void set_dtype_policy(const DTypePolicy& policy) override;  // its two halves' too
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  Parameter& depthwise_kernel() { return depthwise_.depthwise_kernel(); }
  Parameter& pointwise_kernel() { return pointwise_.kernel(); }
  Parameter& bias() { return pointwise_.bias(); }

private:
  int64_t filters_;
  SeparableConv2DOptions options_;
  // The two halves, as layers of their own: the depthwise one without bias or activation,
  // the pointwise one (1x1, valid) with both.
  DepthwiseConv2DLayer depthwise_;
  Conv2DLayer pointwise_;
};

// SeparableConv2D(128, {.kernel_h = 3, .kernel_w = 3, .padding = "same", .use_bias = false, .name = "block2_sepconv1"})
LayerHandle<SeparableConv2DLayer> SeparableConv2D(int64_t filters, SeparableConv2DOptions options = {});

}  // namespace bottleneck
