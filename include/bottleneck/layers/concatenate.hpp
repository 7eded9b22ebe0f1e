#pragma once
// keras.layers.Concatenate on any axis but the batch one (Keras' axis, -1 by default):
//   x = Concatenate()({left, right});   x = Concatenate(1)({top, bottom});
#include <string>

#include "bottleneck/layers/layer.hpp"

namespace bottleneck {

class ConcatenateLayer : public Layer {
public:
  // `axis` counts the batch axis as 0, as Keras does; negative axes count from the end.
  explicit ConcatenateLayer(std::string name, int axis = -1);

  std::string class_name() const override { return "Concatenate"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;  // axis
  static LayerPtr from_config(const nlohmann::json& config);

private:
  // The axis within a tensor of `rank` axes (batch included); an Error for the batch axis
  // or one outside the rank.
  int axis_for_rank(size_t rank) const;

  int axis_;
  int saved_axis_ = 0;
  std::vector<int64_t> input_sizes_;  // along the axis, of the last training forward
};

LayerHandle<ConcatenateLayer> Concatenate(std::string name = "");
LayerHandle<ConcatenateLayer> Concatenate(int axis, std::string name = "");

}  // namespace bottleneck
