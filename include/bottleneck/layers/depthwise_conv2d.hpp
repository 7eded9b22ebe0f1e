#pragma once
// keras.layers.DepthwiseConv2D: each input channel convolved with its own depth_multiplier
// filters; kernel (height, width, in, depth_multiplier), output channel c * depth_multiplier + m.
// A grouped oneDNN convolution (groups = input channels) underneath.
#include <memory>
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

namespace detail {
class ActivatedConvolution;
}

struct DepthwiseConv2DOptions {
  int64_t kernel_h = 3, kernel_w = 3;
  int64_t stride_h = 1, stride_w = 1;
  std::string padding = "valid";  // "valid" or "same" (TensorFlow's: the odd pixel goes bottom/right)
  int64_t depth_multiplier = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  std::string activation = "linear";  // any keras.activations name; "relu" is fused into the convolution
  bool use_bias = true;
  std::string name;  // empty: Keras' automatic name (depthwise_conv2d, depthwise_conv2d_1, ...)
};

class DepthwiseConv2DLayer : public Layer {
public:
  explicit DepthwiseConv2DLayer(DepthwiseConv2DOptions options);
  ~DepthwiseConv2DLayer() override;

  std::string class_name() const override { return "DepthwiseConv2D"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  std::vector<Parameter*> parameters() override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  // Keras 2 names the variable depthwise_kernel (Keras 3 files say kernel; weights are matched
  // by position there).
  Parameter& depthwise_kernel();
  Parameter& bias();
  // Its convolution, weights and activation (what the model's inference fusion runs).
  detail::ActivatedConvolution& activated_convolution() { return *convolution_; }

private:
  DepthwiseConv2DOptions options_;
  std::unique_ptr<detail::ActivatedConvolution> convolution_;
};

// DepthwiseConv2D({.kernel_h = 3, .kernel_w = 3, .padding = "same", .use_bias = false, .name = "conv_dw_1"})
LayerHandle<DepthwiseConv2DLayer> DepthwiseConv2D(DepthwiseConv2DOptions options = {});

}  // namespace bottleneck
