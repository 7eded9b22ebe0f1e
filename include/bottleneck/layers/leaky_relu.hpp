#pragma once
// keras.layers.LeakyReLU:  x = LeakyReLU(0.1f)(x);
#include <string>

#include "bottleneck/layers/elementwise_layer.hpp"

namespace bottleneck {

// x > 0 -> x, otherwise negative_slope * x (Keras 2 calls it alpha; both default to 0.3).
class LeakyReLULayer : public ElementwiseLayer {
public:
  LeakyReLULayer(float negative_slope, std::string name);

  std::string class_name() const override { return "LeakyReLU"; }
  float negative_slope() const { return negative_slope_; }
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  void apply(Tensor& x) const override;
  void apply_backward(const Tensor& input, Tensor& gradient) const override;

private:
  float negative_slope_;
};

LayerHandle<LeakyReLULayer> LeakyReLU(float negative_slope = 0.3f, std::string name = "");

}  // namespace bottleneck
