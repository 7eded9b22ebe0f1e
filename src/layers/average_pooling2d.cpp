#include "bottleneck/layers/average_pooling2d.hpp"

namespace bottleneck {

AveragePooling2DLayer::AveragePooling2DLayer(Pooling2DOptions options)
    : Pooling2DLayer(PoolingReduction::average, std::move(options), "average_pooling2d") {}

LayerPtr AveragePooling2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<AveragePooling2DLayer>(options_from_config(config));
}

LayerHandle<AveragePooling2DLayer> AveragePooling2D(Pooling2DOptions options) {
  return LayerHandle<AveragePooling2DLayer>(std::make_shared<AveragePooling2DLayer>(std::move(options)));
}

}  // namespace bottleneck
