#pragma once
// keras.layers.Cropping2D: rows and columns removed from the borders of each feature map,
//   x = Cropping2D({{1, 0}, {2, 1}})(x);
#include <string>

#include "bottleneck/layers/border2d.hpp"

namespace bottleneck {

class Cropping2DLayer : public Border2DLayer {
public:
  Cropping2DLayer(Sides2D cropping, std::string name);

  std::string class_name() const override { return "Cropping2D"; }
  // An Error when the cropping leaves no row or no column.
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  static LayerPtr from_config(const nlohmann::json& config);
};

LayerHandle<Cropping2DLayer> Cropping2D(Sides2D cropping = 0, std::string name = "");

}  // namespace bottleneck
