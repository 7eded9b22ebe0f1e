#pragma once
// keras.layers.Reshape: the same values in another shape (row-major order), one axis may be -1
// (inferred):  x = Reshape({1, 1, 32})(GlobalAveragePooling2D()(x));
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class ReshapeLayer : public Layer {
public:
  // An Error unless every axis of `target_shape` is positive but at most one -1.
  ReshapeLayer(Shape target_shape, std::string name);

  std::string class_name() const override { return "Reshape"; }
  // An Error when the input's size does not fit the target shape.
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;  // target_shape
  static LayerPtr from_config(const nlohmann::json& config);

private:
  Shape target_shape_;
  Shape saved_input_shape_;  // with the batch axis, of the last forward
};

LayerHandle<ReshapeLayer> Reshape(Shape target_shape, std::string name = "");

}  // namespace bottleneck
