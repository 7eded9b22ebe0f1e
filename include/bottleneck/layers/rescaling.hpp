#pragma once
// keras.layers.Rescaling:  x = Rescaling({.scale = {1.0 / 255}})(inputs);
#include <string>
#include <vector>

#include "bottleneck/layers/elementwise_layer.hpp"

namespace bottleneck {

// One value for all channels, or one per channel (the last axis), each.
struct RescalingOptions {
  std::vector<double> scale{1.0};
  std::vector<double> offset{0.0};
  std::string name;
};

// x * scale + offset, in float32 as Keras computes it.
class RescalingLayer : public ElementwiseLayer {
public:
  explicit RescalingLayer(RescalingOptions options);

  std::string class_name() const override { return "Rescaling"; }
  const RescalingOptions& options() const { return options_; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  void apply(Tensor& x) const override;
  void apply_backward(const Tensor& input, Tensor& gradient) const override;
  bool backward_needs_input() const override { return false; }

private:
  void check_channels(int64_t channels) const;

  RescalingOptions options_;
};

LayerHandle<RescalingLayer> Rescaling(RescalingOptions options);

}  // namespace bottleneck
