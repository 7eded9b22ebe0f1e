#pragma once
// keras.applications: pretrained convolutional bases built in code with Keras' layer names,
// so Keras' published weight files load by name.
//   auto base = VGG16({.weights = "imagenet", .include_top = false, .input_shape = Shape{240, 360, 3}});
//   Tensor features = base->predict(x);
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bottleneck/model.hpp"

namespace bottleneck {

struct ApplicationOptions {
  // "imagenet" (Keras' published file: cached, or downloaded once and hash-checked),
  // "random" (Keras' default initialisation from `seed`), or a path to a Keras weights file.
  std::string weights = "imagenet";
  bool include_top = false;              // only the convolutional base is provided
  std::optional<Shape> input_shape;      // (height, width, 3); default 224x224 (227 for SqueezeNet)
  std::string pooling = "none";          // "none", "avg" or "max" (Keras' pooling=None/'avg'/'max')
  uint64_t seed = 0;                     // for weights = "random"
};

std::unique_ptr<Model> VGG16(const ApplicationOptions& options = {});
std::unique_ptr<Model> SqueezeNet(const ApplicationOptions& options = {});  // v1.1, Keras port's layer names

// The base network by name: "vgg16" or "squeezenet".
std::unique_ptr<Model> application_by_name(const std::string& name, const ApplicationOptions& options);

// Where `weights` resolves to for this model: a local file path, or "random".
std::string resolve_weights(const std::string& model_name, const std::string& weights);

}  // namespace bottleneck
