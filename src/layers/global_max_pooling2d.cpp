#include "bottleneck/layers/global_max_pooling2d.hpp"

#include "layers/layer_naming.hpp"

namespace bottleneck {

GlobalMaxPooling2DLayer::GlobalMaxPooling2DLayer(std::string name)
    : GlobalPooling2DLayer(PoolingReduction::max, detail::layer_name_or_default(std::move(name), "global_max_pooling2d")) {}

LayerPtr GlobalMaxPooling2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<GlobalMaxPooling2DLayer>(config.at("name").get<std::string>());
}

LayerHandle<GlobalMaxPooling2DLayer> GlobalMaxPooling2D(std::string name) {
  return LayerHandle<GlobalMaxPooling2DLayer>(std::make_shared<GlobalMaxPooling2DLayer>(std::move(name)));
}

}  // namespace bottleneck
