#pragma once
// keras.layers.Permute: the axes after the batch axis reordered, numbered from 1 as Keras
// does:  x = Permute({2, 1})(x);   // (steps, features) -> (features, steps)
#include <string>
#include <vector>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class PermuteLayer : public Layer {
public:
  // An Error unless `dims` is a permutation of 1..dims.size().
  PermuteLayer(std::vector<int> dims, std::string name);

  std::string class_name() const override { return "Permute"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;  // dims
  static LayerPtr from_config(const nlohmann::json& config);

private:
  std::vector<int> dims_;
  std::vector<int> order_, inverse_order_;  // over all axes, batch axis 0 first
};

LayerHandle<PermuteLayer> Permute(std::vector<int> dims, std::string name = "");

}  // namespace bottleneck
