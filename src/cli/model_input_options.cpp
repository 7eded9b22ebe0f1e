#include "cli/model_input_options.hpp"

#include "bottleneck/error.hpp"
#include "io/file_hash.hpp"

namespace bottleneck::cli {

void add_model_input_options(CLI::App& command, ModelInputOptions& o) {
  command.add_option("--model", o.model, "base network: vgg16 or squeezenet")->capture_default_str();
  command.add_option("--weights", o.weights, "imagenet, random, or a Keras weights file (.h5)")->capture_default_str();
  command.add_option("--target-size", o.target_size, "HxW the images are resized to (default: 224x224, 227x227 for squeezenet)");
  command.add_option("--interpolation", o.interpolation, "nearest, bilinear, bicubic, lanczos, box or hamming")
      ->capture_default_str();
  command.add_option("--preprocess", o.preprocess, "caffe, tf, torch, rescale=F (e.g. rescale=1/255) or none")
      ->capture_default_str();
  command.add_option("--pooling", o.pooling, "none, avg or max on top of the network")->capture_default_str();
}

ResolvedModelInput resolve_model_input(const ModelInputOptions& o) {
  ResolvedModelInput r;
  if (o.model != "vgg16" && o.model != "squeezenet")
    throw Error("unknown model '" + o.model + "' (choose vgg16 or squeezenet)");
  r.target_size = o.target_size.empty() ? (o.model == "squeezenet" ? TargetSize{227, 227} : TargetSize{224, 224})
                                        : parse_target_size(o.target_size);
  r.interpolation = parse_interpolation(o.interpolation);
  r.preprocessing = Preprocessing::parse(o.preprocess);
  r.application.weights = resolve_weights(o.model, o.weights);
  r.application.input_shape = Shape{r.target_size.height, r.target_size.width, 3};
  r.application.pooling = o.pooling;
  return r;
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
