#pragma once
// keras.layers.ZeroPadding2D: rows and columns of zeros around each feature map,
//   x = ZeroPadding2D({{3, 3}, {3, 3}}, "conv1_pad")(inputs);
#include <string>

#include "bottleneck/layers/border2d.hpp"

namespace bottleneck {

class ZeroPadding2DLayer : public Border2DLayer {
public:
  ZeroPadding2DLayer(Sides2D padding, std::string name);

  std::string class_name() const override { return "ZeroPadding2D"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  static LayerPtr from_config(const nlohmann::json& config);
};

LayerHandle<ZeroPadding2DLayer> ZeroPadding2D(Sides2D padding = 1, std::string name = "");

}  // namespace bottleneck
