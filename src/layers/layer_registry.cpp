// Layers by Keras class name, for load_model and model_from_json: one line per layer class.
#include <functional>
#include <map>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"

namespace bottleneck {

namespace {
using FromConfig = std::function<LayerPtr(const nlohmann::json& config)>;

const std::map<std::string, FromConfig>& registry() {
  static const std::map<std::string, FromConfig> classes{
      {"InputLayer", InputLayer::from_config},
      {"Dense", DenseLayer::from_config},
      {"Dropout", DropoutLayer::from_config},
      {"Flatten", FlattenLayer::from_config},
      {"Activation", ActivationLayer::from_config},
      {"Conv2D", Conv2DLayer::from_config},
      {"MaxPooling2D", MaxPooling2DLayer::from_config},
      {"GlobalAveragePooling2D", GlobalAveragePooling2DLayer::from_config},
      {"GlobalMaxPooling2D", GlobalMaxPooling2DLayer::from_config},
      {"Concatenate", ConcatenateLayer::from_config},
      {"DepthwiseConv2D", DepthwiseConv2DLayer::from_config},
      {"SeparableConv2D", SeparableConv2DLayer::from_config},
      {"BatchNormalization", BatchNormalizationLayer::from_config},
  };
  return classes;
}
}  // namespace

LayerPtr layer_from_config(const nlohmann::json& class_and_config) {
  const std::string class_name = class_and_config.at("class_name").get<std::string>();
  auto found = registry().find(class_name);
  if (found == registry().end()) throw Error("unknown layer class '" + class_name + "'");
  const nlohmann::json& config = class_and_config.at("config");
  LayerPtr layer;
  try {
    layer = found->second(config);
  } catch (const nlohmann::json::exception& e) {
    throw Error("layer config of class " + class_name + " is not readable: " + e.what());
  }
  layer->trainable = config.value("trainable", true);
  return layer;
}

}  // namespace bottleneck
