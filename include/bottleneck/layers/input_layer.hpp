#pragma once
// keras.layers.InputLayer: what Input() creates.
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

// What Input() creates: passes the model's input through unchanged.
class InputLayer : public Layer {
public:
  InputLayer(Shape shape, std::string name);

  std::string class_name() const override { return "InputLayer"; }
  const Shape& shape() const { return shape_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  nlohmann::json get_config() const override;  // batch_input_shape, dtype, sparse, name
  static LayerPtr from_config(const nlohmann::json& config);

private:
  Shape shape_;
};

// keras.Input(shape): shape without the batch axis; named input_1, input_2, ... by default.
SymbolicTensor Input(Shape shape, std::string name = "");

}  // namespace bottleneck
