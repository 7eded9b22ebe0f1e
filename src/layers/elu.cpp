// keras.layers.ELU through oneDNN's elu.
#include <cmath>

#include "backend/eltwise.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/elu.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {
backend::Eltwise elu(float alpha) { return {dnnl::algorithm::eltwise_elu, alpha}; }
}  // namespace

ELULayer::ELULayer(float alpha, std::string name) : ElementwiseLayer(std::move(name)), alpha_(alpha) {
  if (!std::isfinite(alpha)) throw Error("ELU " + this->name() + ": alpha must be finite, got " + std::to_string(alpha));
}

void ELULayer::apply(Tensor& x) const { backend::eltwise_forward(elu(alpha_), x); }

void ELULayer::apply_backward(const Tensor& input, Tensor& gradient) const {
  backend::eltwise_backward(elu(alpha_), input, gradient);
}

nlohmann::json ELULayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["alpha"] = alpha_;
  return config;
}

LayerPtr ELULayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  return std::make_shared<ELULayer>(static_cast<float>(detail::number_field(config, "alpha", 1.0, "ELU " + name)), name);
}

LayerHandle<ELULayer> ELU(float alpha, std::string name) {
  return LayerHandle<ELULayer>(std::make_shared<ELULayer>(alpha, detail::layer_name_or_default(std::move(name), "elu")));
}

}  // namespace bottleneck
