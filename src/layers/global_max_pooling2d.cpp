#include "bottleneck/layers/global_max_pooling2d.hpp"

#include "layers/layer_naming.hpp"

namespace bottleneck {

GlobalMaxPooling2DLayer::GlobalMaxPooling2DLayer(GlobalPooling2DOptions options)
    : GlobalPooling2DLayer(PoolingReduction::max, detail::layer_name_or_default(std::move(options.name), "global_max_pooling2d"),
                           options.keepdims) {}

LayerPtr GlobalMaxPooling2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<GlobalMaxPooling2DLayer>(options_from_config(config));
}

LayerHandle<GlobalMaxPooling2DLayer> GlobalMaxPooling2D(GlobalPooling2DOptions options) {
  return LayerHandle<GlobalMaxPooling2DLayer>(std::make_shared<GlobalMaxPooling2DLayer>(std::move(options)));
}

}  // namespace bottleneck
