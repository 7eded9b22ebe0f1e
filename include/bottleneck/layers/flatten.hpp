#pragma once
// keras.layers.Flatten:  x = Flatten()(inputs);
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// Flatten(): (batch, d1, d2, ...) -> (batch, d1 * d2 * ...), row-major (channels_last order).
class FlattenLayer : public Layer {
public:
  explicit FlattenLayer(std::string name);

  std::string class_name() const override { return "Flatten"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  Shape input_shape_;  // of the last forward, with the batch axis
};

LayerHandle<FlattenLayer> Flatten(std::string name = "");

}  // namespace bottleneck
