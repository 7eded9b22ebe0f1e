#include "applications/application_builder.hpp"

#include "applications/pretrained_weights.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/pooling.hpp"

namespace bottleneck {

std::string resolve_weights(const std::string& model_name, const std::string& weights) {
  if (weights == "random") return weights;
  if (weights == "imagenet") {
    if (model_name == "vgg16") return pretrained_weights_path(vgg16_imagenet_notop());
    if (model_name == "squeezenet") return pretrained_weights_path(squeezenet_imagenet_notop());
    throw Error("no published ImageNet weights for model '" + model_name + "'");
  }
  return weights;
}

std::unique_ptr<Model> finish_application(const std::string& model_name, const SymbolicTensor& inputs, SymbolicTensor x,
                         const ApplicationOptions& options) {
  if (options.pooling == "avg") x = GlobalAveragePooling2D()(x);
  else if (options.pooling == "max") x = GlobalMaxPooling2D()(x);
  else if (options.pooling != "none" && !options.pooling.empty())
    throw Error("pooling must be none, avg or max, not '" + options.pooling + "'");
  auto model = std::make_unique<Model>(inputs, x, model_name, options.seed);
  std::string weights = resolve_weights(model_name, options.weights);
  if (weights != "random") model->load_weights(weights);
  return model;
}

std::unique_ptr<Model> application_by_name(const std::string& name, const ApplicationOptions& options) {
  if (name == "vgg16") return VGG16(options);
  if (name == "squeezenet") return SqueezeNet(options);
  throw Error("unknown model '" + name + "' (choose vgg16 or squeezenet)");
}

}  // namespace bottleneck
