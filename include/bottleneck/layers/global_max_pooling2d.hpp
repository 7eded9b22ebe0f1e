#pragma once
// keras.layers.GlobalMaxPooling2D:  features = GlobalMaxPooling2D()(x);
#include <string>

#include "bottleneck/layers/global_pooling2d.hpp"

namespace bottleneck {

class GlobalMaxPooling2DLayer : public GlobalPooling2DLayer {
public:
  explicit GlobalMaxPooling2DLayer(GlobalPooling2DOptions options);

  std::string class_name() const override { return "GlobalMaxPooling2D"; }
  static LayerPtr from_config(const nlohmann::json& config);
};

LayerHandle<GlobalMaxPooling2DLayer> GlobalMaxPooling2D(GlobalPooling2DOptions options = {});

}  // namespace bottleneck
