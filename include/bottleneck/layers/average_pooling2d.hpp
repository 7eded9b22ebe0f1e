#pragma once
// keras.layers.AveragePooling2D: the mean of each window; with padding "same" the mean of the
// window's cells inside the feature map only, as Keras computes it:
//   x = AveragePooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 1, .stride_w = 1, .padding = "same"})(x);
#include "bottleneck/layers/pooling2d.hpp"

namespace bottleneck {

class AveragePooling2DLayer : public Pooling2DLayer {
public:
  explicit AveragePooling2DLayer(Pooling2DOptions options);

  std::string class_name() const override { return "AveragePooling2D"; }
  static LayerPtr from_config(const nlohmann::json& config);
};

LayerHandle<AveragePooling2DLayer> AveragePooling2D(Pooling2DOptions options = {});

}  // namespace bottleneck
