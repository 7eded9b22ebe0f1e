// Layers by Keras class name, for load_model and model_from_json: one line per layer class.
#include <functional>
#include <map>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "core/checked_size.hpp"

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
      {"ZeroPadding2D", ZeroPadding2DLayer::from_config},
      {"Cropping2D", Cropping2DLayer::from_config},
      {"Reshape", ReshapeLayer::from_config},
      {"Permute", PermuteLayer::from_config},
      {"Add", AddLayer::from_config},
      {"Subtract", SubtractLayer::from_config},
      {"Multiply", MultiplyLayer::from_config},
      {"Average", AverageLayer::from_config},
      {"Maximum", MaximumLayer::from_config},
      {"Minimum", MinimumLayer::from_config},
      {"AveragePooling2D", AveragePooling2DLayer::from_config},
      {"ReLU", ReLULayer::from_config},
      {"LeakyReLU", LeakyReLULayer::from_config},
      {"ELU", ELULayer::from_config},
      {"Softmax", SoftmaxLayer::from_config},
      {"Rescaling", RescalingLayer::from_config},
      {"Normalization", NormalizationLayer::from_config},
      {"Resizing", ResizingLayer::from_config},
      {"SpatialDropout2D", SpatialDropout2DLayer::from_config},
      {"GaussianNoise", GaussianNoiseLayer::from_config},
      {"GaussianDropout", GaussianDropoutLayer::from_config},
      {"ActivityRegularization", ActivityRegularizationLayer::from_config},
      {"RandomFlip", RandomFlipLayer::from_config},
      {"RandomRotation", RandomRotationLayer::from_config},
      {"RandomZoom", RandomZoomLayer::from_config},
      {"RandomTranslation", RandomTranslationLayer::from_config},
      {"RandomContrast", RandomContrastLayer::from_config},
      {"RandomBrightness", RandomBrightnessLayer::from_config},
      {"RandomCrop", RandomCropLayer::from_config},
      {"RandomHeight", RandomHeightLayer::from_config},
      {"RandomWidth", RandomWidthLayer::from_config},
      {"DepthwiseConv2D", DepthwiseConv2DLayer::from_config},
      {"SeparableConv2D", SeparableConv2DLayer::from_config},
      {"BatchNormalization", BatchNormalizationLayer::from_config},
  };
  return classes;
}
// A model file is input like any other: a stride of 0 would divide by zero, units of 1e18
// overflow the size of the kernel. Every size a layer reads is checked here first.
void check_sizes(const std::string& class_name, const nlohmann::json& config) {
  const std::string layer = class_name + " '" + config.value("name", "") + "': ";
  auto check = [&](const nlohmann::json& size, const std::string& key) {
    checked_dimension(size.is_number() ? size.get<double>() : -1.0, layer + key);
  };
  for (const char* key : {"units", "filters", "kernel_size", "strides", "pool_size", "dilation_rate"}) {
    if (!config.contains(key) || config[key].is_null()) continue;
    const nlohmann::json& value = config[key];
    if (value.is_array() && value.size() != 2) throw Error(layer + key + " must be a number or a pair of numbers");
    for (const nlohmann::json& size : value.is_array() ? value : nlohmann::json::array({value})) check(size, key);
  }
  if (config.contains("batch_input_shape") && config["batch_input_shape"].is_array())
    for (const nlohmann::json& size : config["batch_input_shape"])
      if (!size.is_null()) check(size, "batch_input_shape");
}
}  // namespace

LayerPtr layer_from_config(const nlohmann::json& class_and_config) {
  const std::string class_name = class_and_config.at("class_name").get<std::string>();
  auto found = registry().find(class_name);
  if (found == registry().end()) throw Error("unknown layer class '" + class_name + "'");
  const nlohmann::json& config = class_and_config.at("config");
  LayerPtr layer;
  try {
    check_sizes(class_name, config);
    layer = found->second(config);
  } catch (const nlohmann::json::exception& e) {
    throw Error("layer config of class " + class_name + " is not readable: " + e.what());
  }
  layer->trainable = config.value("trainable", true);
  return layer;
}

}  // namespace bottleneck
