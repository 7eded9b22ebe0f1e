#pragma once
// keras.layers.Concatenate on the channel axis (axis=-1, channels_last).
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class ConcatenateLayer : public Layer {
public:
  explicit ConcatenateLayer(std::string name);

  std::string class_name() const override { return "Concatenate"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

private:
  std::vector<int64_t> input_channels_;
};

LayerHandle<ConcatenateLayer> Concatenate(std::string name = "");

}  // namespace bottleneck
