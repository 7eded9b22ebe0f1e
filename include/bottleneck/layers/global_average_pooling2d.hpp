#pragma once
// keras.layers.GlobalAveragePooling2D:  features = GlobalAveragePooling2D()(x);
#include <string>

#include "bottleneck/layers/global_pooling2d.hpp"

namespace bottleneck {

class GlobalAveragePooling2DLayer : public GlobalPooling2DLayer {
public:
  explicit GlobalAveragePooling2DLayer(GlobalPooling2DOptions options);

  std::string class_name() const override { return "GlobalAveragePooling2D"; }
  static LayerPtr from_config(const nlohmann::json& config);
};

LayerHandle<GlobalAveragePooling2DLayer> GlobalAveragePooling2D(GlobalPooling2DOptions options = {});

}  // namespace bottleneck
