#include "bottleneck/layers/max_pooling2d.hpp"

namespace bottleneck {

MaxPooling2DLayer::MaxPooling2DLayer(Pooling2DOptions options)
    : Pooling2DLayer(PoolingReduction::max, std::move(options), "max_pooling2d") {}

LayerPtr MaxPooling2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<MaxPooling2DLayer>(options_from_config(config));
}

LayerHandle<MaxPooling2DLayer> MaxPooling2D(Pooling2DOptions options) {
  return LayerHandle<MaxPooling2DLayer>(std::make_shared<MaxPooling2DLayer>(std::move(options)));
}

}  // namespace bottleneck
