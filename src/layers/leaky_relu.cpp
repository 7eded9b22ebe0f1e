// keras.layers.LeakyReLU through oneDNN's relu with a slope.
#include <cmath>

#include "backend/eltwise.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/leaky_relu.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {
backend::Eltwise leaky_relu(float slope) { return {dnnl::algorithm::eltwise_relu, slope}; }
}  // namespace

LeakyReLULayer::LeakyReLULayer(float negative_slope, std::string name)
    : ElementwiseLayer(std::move(name)), negative_slope_(negative_slope) {
  if (!std::isfinite(negative_slope))
    throw Error("LeakyReLU " + this->name() + ": negative_slope must be finite, got " + std::to_string(negative_slope));
}

void LeakyReLULayer::apply(Tensor& x) const { backend::eltwise_forward(leaky_relu(negative_slope_), x); }

void LeakyReLULayer::apply_backward(const Tensor& input, Tensor& gradient) const {
  backend::eltwise_backward(leaky_relu(negative_slope_), input, gradient);
}

nlohmann::json LeakyReLULayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["alpha"] = negative_slope_;
  return config;
}

LayerPtr LeakyReLULayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  // Keras 3 writes negative_slope, Keras 2 alpha.
  const char* key = config.contains("negative_slope") ? "negative_slope" : "alpha";
  return std::make_shared<LeakyReLULayer>(static_cast<float>(detail::number_field(config, key, 0.3, "LeakyReLU " + name)),
                                          name);
}

LayerHandle<LeakyReLULayer> LeakyReLU(float negative_slope, std::string name) {
  return LayerHandle<LeakyReLULayer>(
      std::make_shared<LeakyReLULayer>(negative_slope, detail::layer_name_or_default(std::move(name), "leaky_re_lu")));
}

}  // namespace bottleneck
