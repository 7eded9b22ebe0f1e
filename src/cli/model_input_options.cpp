#include "cli/model_input_options.hpp"

#include <functional>

#include "bottleneck/error.hpp"
#include "bottleneck/file_hash.hpp"

namespace bottleneck::cli {

std::string for_each_application(const std::function<std::string(const Application&)>& describe) {
  std::string text;
  for (const Application* application : applications())
    text += (text.empty() ? "" : ", ") + application->name + " " + describe(*application);
  return text;
}

void add_model_input_options(CLI::App& command, ModelInputOptions& o) {
  command.add_option("--model", o.model, "base network: " + application_names())->capture_default_str();
  command.add_option("--weights", o.weights, "imagenet, random, or a Keras weights file (.h5)")->capture_default_str();
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
  return Preprocessing::parse(o.preprocess.empty() ? get_application(o.model).preprocess : o.preprocess);
}

ResolvedModelInput resolve_model_input(const ModelInputOptions& o) {
  ResolvedModelInput r;
  const Application& application = get_application(o.model);
  r.target_size = o.target_size.empty() ? application.default_size : parse_target_size(o.target_size);
  r.interpolation = parse_interpolation(o.interpolation);
  r.preprocessing = preprocessing_for(o);
  r.application.weights = resolve_weights(o.model, o.weights);
  r.application.input_shape = Shape{r.target_size.height, r.target_size.width, 3};
  r.application.pooling = o.pooling;
  return r;
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
  return {{"model", o.model},
          {"weights", weights},
          {"weights_sha256", weights == "random" ? nlohmann::json(nullptr) : nlohmann::json(file_sha256(weights))},
          {"target_size", {r.target_size.height, r.target_size.width}},
          {"interpolation", o.interpolation},
          {"preprocess", r.preprocessing.to_string()},
          {"pooling", o.pooling}};
}

}  // namespace bottleneck::cli
