#pragma once
// keras.layers.SpatialDropout2D:  x = SpatialDropout2D(0.2)(x);
#include <optional>
#include <string>

#include "bottleneck/layers/dropout.hpp"

namespace bottleneck {

// Dropout of whole feature maps: one draw per sample and channel of (N, H, W, C) inputs.
class SpatialDropout2DLayer : public DropoutLayer {
public:
  SpatialDropout2DLayer(double rate, std::string name, std::optional<int64_t> seed = {});

  std::string class_name() const override { return "SpatialDropout2D"; }
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

protected:
  Shape draw_shape(const Shape& input_shape) const override;
};

LayerHandle<SpatialDropout2DLayer> SpatialDropout2D(double rate, std::string name = "");

}  // namespace bottleneck
