#include "bottleneck/layers/global_average_pooling2d.hpp"

#include "layers/layer_naming.hpp"

namespace bottleneck {

GlobalAveragePooling2DLayer::GlobalAveragePooling2DLayer(std::string name)
    : GlobalPooling2DLayer(PoolingReduction::average, detail::layer_name_or_default(std::move(name), "global_average_pooling2d")) {}

LayerPtr GlobalAveragePooling2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<GlobalAveragePooling2DLayer>(config.at("name").get<std::string>());
}

LayerHandle<GlobalAveragePooling2DLayer> GlobalAveragePooling2D(std::string name) {
  return LayerHandle<GlobalAveragePooling2DLayer>(std::make_shared<GlobalAveragePooling2DLayer>(std::move(name)));
}

}  // namespace bottleneck
