#pragma once
// keras.layers.ReLU:  x = ReLU({.max_value = 6.0f})(x);
#include <optional>
#include <string>

#include "bottleneck/layers/elementwise_layer.hpp"

namespace bottleneck {

struct ReLUOptions {
  std::optional<float> max_value;  // none: unbounded
  float negative_slope = 0.0f;
  float threshold = 0.0f;
  std::string name;
};

// As Keras computes it: x > threshold -> min(x, max_value); otherwise
// negative_slope * (x - threshold). All three must be >= 0, as Keras requires.
class ReLULayer : public ElementwiseLayer {
public:
  explicit ReLULayer(ReLUOptions options);

  std::string class_name() const override { return "ReLU"; }
  const ReLUOptions& options() const { return options_; }
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  void apply(Tensor& x) const override;
  void apply_backward(const Tensor& input, Tensor& gradient) const override;

private:
  ReLUOptions options_;
};

LayerHandle<ReLULayer> ReLU(ReLUOptions options = {});

}  // namespace bottleneck
