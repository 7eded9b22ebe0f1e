// keras.layers.ReLU: relu with an optional ceiling, a leak below a threshold.
#include <algorithm>
#include <cmath>
#include <limits>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/relu.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

ReLULayer::ReLULayer(ReLUOptions options) : ElementwiseLayer(std::move(options.name)), options_(std::move(options)) {
  options_.name = name();
  const auto non_negative = [&](const char* what, float value) {
    if (!(value >= 0.0f) || !std::isfinite(value))
      throw Error("ReLU " + name() + ": " + what + " must be a finite number >= 0, got " + std::to_string(value));
  };
  if (options_.max_value) non_negative("max_value", *options_.max_value);
  non_negative("negative_slope", options_.negative_slope);
  non_negative("threshold", options_.threshold);
}

// Keras' relu: x * (x > threshold), clipped to [0, max_value], minus
// negative_slope * relu(threshold - x); with threshold >= 0 that is the expression below.
void ReLULayer::apply(Tensor& x) const {
  const float ceiling = options_.max_value.value_or(std::numeric_limits<float>::infinity());
  const float slope = options_.negative_slope, threshold = options_.threshold;
  float* v = x.data();
  const int64_t n = x.size();
#pragma omp parallel for simd if (n > (1 << 15))
  for (int64_t i = 0; i < n; ++i) v[i] = v[i] > threshold ? std::min(v[i], ceiling) : slope * (v[i] - threshold);
}

void ReLULayer::apply_backward(const Tensor& input, Tensor& gradient) const {
  const float ceiling = options_.max_value.value_or(std::numeric_limits<float>::infinity());
  const float slope = options_.negative_slope, threshold = options_.threshold;
  const float* x = input.data();
  float* g = gradient.data();
  const int64_t n = input.size();
#pragma omp parallel for simd if (n > (1 << 15))
  for (int64_t i = 0; i < n; ++i) g[i] *= x[i] > threshold ? (x[i] < ceiling ? 1.0f : 0.0f) : slope;
}

nlohmann::json ReLULayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["max_value"] = options_.max_value ? nlohmann::json(*options_.max_value) : nlohmann::json();
  config["negative_slope"] = options_.negative_slope;
  config["threshold"] = options_.threshold;
  return config;
}

LayerPtr ReLULayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  const std::string layer = "ReLU " + name;
  ReLUOptions options{.negative_slope = static_cast<float>(detail::number_field(config, "negative_slope", 0.0, layer)),
                      .threshold = static_cast<float>(detail::number_field(config, "threshold", 0.0, layer)),
                      .name = name};
  if (auto max_value = detail::optional_number_field(config, "max_value", layer))
    options.max_value = static_cast<float>(*max_value);
  return std::make_shared<ReLULayer>(std::move(options));
}

LayerHandle<ReLULayer> ReLU(ReLUOptions options) {
  options.name = detail::layer_name_or_default(std::move(options.name), "re_lu");
  return LayerHandle<ReLULayer>(std::make_shared<ReLULayer>(std::move(options)));
}

}  // namespace bottleneck
