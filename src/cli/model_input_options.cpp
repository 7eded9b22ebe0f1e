#include "cli/model_input_options.hpp"

#include <filesystem>
#include <functional>

#include "bottleneck/error.hpp"
#include "bottleneck/file_hash.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/transfer/feature_extraction.hpp"

namespace bottleneck::cli {

std::string for_each_application(const std::function<std::string(const Application&)>& describe) {
  std::string text;
  for (const Application* application : applications())
    text += (text.empty() ? "" : ", ") + application->name + " " + describe(*application);
  return text;
}

namespace {

bool names_application(const std::string& model) {
  for (const Application* application : applications())
    if (application->name == model) return true;
  return false;
}

}  // namespace

void add_model_input_options(CLI::App& command, ModelInputOptions& o, const ModelOptionNames& names) {
  command.add_option(names.model, o.model, "base network: " + application_names() + ", or a Keras model file (.h5, .keras)")
      ->capture_default_str();
  command.add_option(names.weights, o.weights, "imagenet, random, or a Keras weights file (.h5, .weights.h5, .keras)")
      ->capture_default_str();
  command.add_option("--target-size", o.target_size,
                     "HxW the images are resized to (default: the network's own: " +
                         for_each_application([](const Application& a) {
                           return std::to_string(a.default_size.height) + "x" + std::to_string(a.default_size.width);
                         }) +
                         ")");
  command.add_option("--interpolation", o.interpolation, "nearest, bilinear, bicubic, lanczos, box or hamming")
      ->capture_default_str();
  command.add_option("--preprocess", o.preprocess,
                     "caffe, tf, torch, rescale=F (e.g. rescale=1/255) or none (default: the network's "
                     "preprocess_input: " +
                         for_each_application([](const Application& a) { return a.preprocess; }) + ")");
  command.add_option("--pooling", o.pooling, "none, avg or max on top of the network")->capture_default_str();
}

Preprocessing preprocessing_for(const ModelInputOptions& o) {
  if (!o.preprocess.empty()) return Preprocessing::parse(o.preprocess);
  return Preprocessing::parse(names_application(o.model) ? get_application(o.model).preprocess : "none");
}

BaseNetwork load_base_network(const ModelInputOptions& o) {
  BaseNetwork base;
  ResolvedModelInput& r = base.input;
  r.interpolation = parse_interpolation(o.interpolation);
  r.preprocessing = preprocessing_for(o);
  // Pooling goes on top of the cut when there is one, else into the application itself.
  const bool pool_on_top = !o.layer.empty() || !names_application(o.model);
  if (names_application(o.model)) {
    const Application& application = get_application(o.model);
    r.target_size = o.target_size.empty() ? application.default_size : parse_target_size(o.target_size);
    r.application.weights = resolve_weights(o.model, o.weights);
    r.application.input_shape = Shape{r.target_size.height, r.target_size.width, 3};
    r.application.pooling = pool_on_top ? "none" : o.pooling;
    base.model = application.build(r.application);
  } else {
    if (!std::filesystem::is_regular_file(o.model))
      throw Error("unknown model '" + o.model + "': neither a network (" + application_names() +
                  ") nor a Keras model file");
    base.model = load_model(o.model);
    r.application.weights = o.model;
    if (o.weights != "imagenet") {
      base.model->load_weights(o.weights);
      r.application.weights = o.weights;
    }
    const Shape input = base.model->input_shape();
    if (input.size() != 3 || input[2] != 3)
      throw Error(o.model + " takes inputs of shape " + shape_to_string(input) + ", not RGB images");
    r.target_size = {static_cast<int>(input[0]), static_cast<int>(input[1])};
    if (!o.target_size.empty()) {
      const TargetSize asked = parse_target_size(o.target_size);
      if (asked.height != r.target_size.height || asked.width != r.target_size.width)
        throw Error(o.model + " takes " + std::to_string(input[0]) + "x" + std::to_string(input[1]) +
                    " images, not --target-size " + o.target_size);
    }
  }
  r.application.input_shape = Shape{r.target_size.height, r.target_size.width, 3};
  if (pool_on_top) base.model = features_of(std::move(base.model), o.layer, o.pooling);
  return base;
}

Tensor ResolvedModelInput::load_image_batch(const std::string& path) const {
  Tensor x = expand_dims(img_to_array(load_img(path, target_size, interpolation)), 0);
  preprocessing.apply(x);
  return x;
}

DirectoryIterator ResolvedModelInput::flow_from_directory(const std::string& dir, ClassMode class_mode,
                                                          int batch_size) const {
  ImageDataGenerator generator({.preprocessing = preprocessing});
  DirectoryIterator images = generator.flow_from_directory(
      dir, {.target_size = target_size, .class_mode = class_mode, .batch_size = batch_size, .shuffle = false,
            .interpolation = interpolation});
  if (images.samples() == 0) throw Error("no images found in " + dir);
  return images;
}

nlohmann::json model_input_metadata(const ModelInputOptions& o, const ResolvedModelInput& r) {
  const std::string& weights = r.application.weights;
  nlohmann::json meta{{"model", o.model},
          {"weights", weights},
          {"weights_sha256", weights == "random" ? nlohmann::json(nullptr) : nlohmann::json(file_sha256(weights))},
          {"target_size", {r.target_size.height, r.target_size.width}},
          {"interpolation", o.interpolation},
          {"preprocess", r.preprocessing.to_string()},
          {"pooling", o.pooling}};
  if (!o.layer.empty()) meta["layer"] = o.layer;
  return meta;
}

}  // namespace bottleneck::cli
