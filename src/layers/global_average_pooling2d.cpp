#include "bottleneck/layers/global_average_pooling2d.hpp"

#include "layers/layer_naming.hpp"

namespace bottleneck {

GlobalAveragePooling2DLayer::GlobalAveragePooling2DLayer(GlobalPooling2DOptions options)
    : GlobalPooling2DLayer(PoolingReduction::average, detail::layer_name_or_default(std::move(options.name), "global_average_pooling2d"),
                           options.keepdims) {}

LayerPtr GlobalAveragePooling2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<GlobalAveragePooling2DLayer>(options_from_config(config));
}

LayerHandle<GlobalAveragePooling2DLayer> GlobalAveragePooling2D(GlobalPooling2DOptions options) {
  return LayerHandle<GlobalAveragePooling2DLayer>(std::make_shared<GlobalAveragePooling2DLayer>(std::move(options)));
}

}  // namespace bottleneck
