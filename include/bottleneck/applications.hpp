#pragma once
// keras.applications: pretrained convolutional bases built in code with Keras' layer names,
// so Keras' published weight files load by name.
//   auto base = VGG16({.weights = "imagenet", .include_top = false, .input_shape = Shape{240, 360, 3}});
//   Tensor features = base->predict(x);
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <vector>

#include "bottleneck/image.hpp"
#include "bottleneck/models/model.hpp"

namespace bottleneck {

struct ApplicationOptions {
  // "imagenet" (Keras' published file: cached, or downloaded once and hash-checked),
  // "random" (Keras' default initialisation from `seed`), or a path to a Keras weights file.
  std::string weights = "imagenet";
  bool include_top = false;              // only the convolutional base is provided
  std::optional<Shape> input_shape;      // (height, width, 3); default: the network's default_size
  std::string pooling = "none";          // "none", "avg" or "max" (Keras' pooling=None/'avg'/'max')
  uint64_t seed = 0;                     // for weights = "random"
  double alpha = 1.0;                    // MobileNet/MobileNetV2 width multiplier (Keras' alpha); others ignore it
};

// A published weights file (Keras' get_file): where it is, its name in the cache, its hash.
struct PublishedWeights {
  std::string description;  // "VGG16 ImageNet notop weights"
  std::string file_name;
  std::vector<std::string> urls;
  std::string md5;     // one of the two hashes is published
  std::string sha256;
  long long bytes = 0;
};

// What the library and the tools know about one network, beyond building it. Each network's
// file defines its record; src/applications/application_registry.cpp lists them.
struct Application {
  std::string name;        // what `--model` takes: "vgg16"
  std::string keras_name;  // "VGG16"
  std::unique_ptr<Model> (*build)(const ApplicationOptions& options);
  TargetSize default_size;                  // without input_shape
  int64_t minimum_size = 32;                // of the height and the width
  std::string preprocess;                   // preprocess_input's mode: "caffe", "tf", "torch" or "none"
  std::optional<PublishedWeights> imagenet;  // the notop file weights="imagenet" loads
  std::string fine_tuning_cut;              // the first layer fine-tuning trains by default (the top block)
};

// Every network, in registration order.
const std::vector<const Application*>& applications();
// The network by name ("vgg16"); throws Error listing the known names.
const Application& get_application(const std::string& name);
// "vgg16, squeezenet": for messages and --help texts.
std::string application_names();

std::unique_ptr<Model> VGG16(const ApplicationOptions& options = {});
std::unique_ptr<Model> SqueezeNet(const ApplicationOptions& options = {});  // v1.1, Keras port's layer names
std::unique_ptr<Model> VGG19(const ApplicationOptions& options = {});
std::unique_ptr<Model> ResNet50(const ApplicationOptions& options = {});
std::unique_ptr<Model> ResNet50V2(const ApplicationOptions& options = {});
std::unique_ptr<Model> DenseNet121(const ApplicationOptions& options = {});
std::unique_ptr<Model> MobileNetV2(const ApplicationOptions& options = {});
std::unique_ptr<Model> MobileNet(const ApplicationOptions& options = {});
std::unique_ptr<Model> EfficientNetB0(const ApplicationOptions& options = {});
std::unique_ptr<Model> Xception(const ApplicationOptions& options = {});
std::unique_ptr<Model> InceptionV3(const ApplicationOptions& options = {});

// The base network by name: get_application(name).build(options).
std::unique_ptr<Model> application_by_name(const std::string& name, const ApplicationOptions& options);

// Where `weights` resolves to for this model: a local file path, or "random".
std::string resolve_weights(const std::string& model_name, const std::string& weights);

}  // namespace bottleneck
