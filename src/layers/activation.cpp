// keras.layers.Activation: an activation function as a layer of its own.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/activation.hpp"
#include "layers/activation_functions.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

ActivationLayer::ActivationLayer(ActivationKind activation, std::string name)
    : Layer(std::move(name)), activation_(activation) {}

Shape ActivationLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1) throw Error("Activation " + name() + " takes one input");
  return input_shapes[0];
}

Tensor ActivationLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  Tensor y = inputs.at(0).clone();
  detail::activate(activation_, y);
  if (backward_follows) {
    output_ = y;
    if (detail::activation_backward_needs_input(activation_)) input_ = inputs.at(0);
  }
  return y;
}

std::vector<Tensor> ActivationLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  if (output_.size() != output_gradient.size())
    throw Error("Activation " + name() + ": backward() without a matching training forward");
  Tensor dx = output_gradient.clone();
  detail::activation_backward(activation_, input_, output_, dx);
  output_ = Tensor();
  input_ = Tensor();
  return {dx};
}

nlohmann::json ActivationLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["activation"] = activation_to_config(activation_);
  return config;
}

LayerPtr ActivationLayer::from_config(const nlohmann::json& config) {
  if (!config.contains("activation")) throw Error("Activation config without an activation: " + config.dump());
  return std::make_shared<ActivationLayer>(activation_from_config(config), config.at("name").get<std::string>());
}

LayerHandle<ActivationLayer> Activation(const std::string& activation, std::string name) {
  return LayerHandle<ActivationLayer>(std::make_shared<ActivationLayer>(
      parse_activation(activation), detail::layer_name_or_default(std::move(name), "activation")));
}

}  // namespace bottleneck
