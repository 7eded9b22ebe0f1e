#include "applications/application_builder.hpp"

#include <algorithm>

#include "applications/pretrained_weights.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/global_pooling2d.hpp"
#include "bottleneck/layers/input_layer.hpp"

namespace bottleneck {

std::string resolve_weights(const std::string& model_name, const std::string& weights) {
  if (weights != "imagenet") return weights;
  const Application& application = get_application(model_name);
  if (!application.imagenet) throw Error("no published ImageNet weights for model '" + model_name + "'");
  return detail::pretrained_weights_path(*application.imagenet);
}

std::unique_ptr<Model> application_by_name(const std::string& name, const ApplicationOptions& options) {
  return get_application(name).build(options);
}

namespace detail {

SymbolicTensor application_input(const Application& application, const ApplicationOptions& options) {
  const std::string& keras_name = application.keras_name;
  if (options.include_top)
    throw Error(keras_name + ": include_top=true is not provided; use the convolutional base");
  Shape shape = options.input_shape.value_or(
      Shape{application.default_size.height, application.default_size.width, 3});
  const int64_t minimum = application.minimum_size;
  if (shape.size() != 3 || shape[2] != 3 || shape[0] < minimum || shape[1] < minimum)
    throw Error(keras_name + " needs an input of at least " + std::to_string(minimum) + "x" +
                std::to_string(minimum) + " with 3 channels, got " + shape_to_string(shape));
  return Input(shape, "input_1");
}

std::unique_ptr<Model> finish_application(const Application& application, const SymbolicTensor& inputs,
                                          SymbolicTensor x, const ApplicationOptions& options) {
  x = global_pooling(x, options.pooling);
  auto model = std::make_unique<Model>(inputs, x, application.name, options.seed);
  std::string weights = resolve_weights(application.name, options.weights);
  if (weights != "random") model->load_weights(weights);
  return model;
}

double positive_alpha(const Application& application, const ApplicationOptions& options) {
  if (!(options.alpha > 0))
    throw Error(application.keras_name + ": alpha must be positive, got " + std::to_string(options.alpha));
  return options.alpha;
}

Sides2D correct_pad(const Shape& shape, int64_t kernel) {
  const int64_t half = kernel / 2;
  return Sides2D({half - (1 - shape[0] % 2), half}, {half - (1 - shape[1] % 2), half});
}

int64_t make_divisible(double value, int64_t divisor) {
  int64_t rounded = std::max(divisor, static_cast<int64_t>(value + divisor / 2.0) / divisor * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

}  // namespace detail
}  // namespace bottleneck
