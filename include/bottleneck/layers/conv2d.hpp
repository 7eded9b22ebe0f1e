#pragma once
// keras.layers.Conv2D: channels_last, kernels (height, width, in / groups, out), oneDNN underneath.
#include <memory>
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

namespace detail {
class ActivatedConvolution;
}

struct Conv2DOptions {
  int64_t kernel_h = 3, kernel_w = 3;
  int64_t stride_h = 1, stride_w = 1;
  std::string padding = "valid";  // "valid" or "same" (TensorFlow's: the odd pixel goes bottom/right)
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;                 // input and output channels split into this many groups
  std::string activation = "linear";  // any keras.activations name; "relu" is fused into the convolution
  bool use_bias = true;
  std::string name;  // empty: Keras' automatic name (conv2d, conv2d_1, ...)
};

class Conv2DLayer : public Layer {
public:
  Conv2DLayer(int64_t filters, Conv2DOptions options);
  ~Conv2DLayer() override;

  std::string class_name() const override { return "Conv2D"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  void build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  std::vector<Parameter*> parameters() override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  Parameter& kernel();
  Parameter& bias();
  // Its convolution, weights and activation (what the model's inference fusion runs).
  detail::ActivatedConvolution& activated_convolution() { return *convolution_; }

private:
  int64_t filters_;
  Conv2DOptions options_;
  std::unique_ptr<detail::ActivatedConvolution> convolution_;
};

// Conv2D(64, {.kernel_h = 3, .kernel_w = 3, .padding = "same", .activation = "relu", .name = "block1_conv1"})
LayerHandle<Conv2DLayer> Conv2D(int64_t filters, Conv2DOptions options = {});

}  // namespace bottleneck
