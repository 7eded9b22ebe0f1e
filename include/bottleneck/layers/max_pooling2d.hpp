#pragma once
// keras.layers.MaxPooling2D:  x = MaxPooling2D({.name = "block1_pool"})(x);
#include "bottleneck/layers/pooling2d.hpp"

namespace bottleneck {

class MaxPooling2DLayer : public Pooling2DLayer {
public:
  explicit MaxPooling2DLayer(Pooling2DOptions options);

  std::string class_name() const override { return "MaxPooling2D"; }
  static LayerPtr from_config(const nlohmann::json& config);
};

LayerHandle<MaxPooling2DLayer> MaxPooling2D(Pooling2DOptions options = {});

}  // namespace bottleneck
