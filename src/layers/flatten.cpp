// keras.layers.Flatten: a reshape that shares storage, channels_last order.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/flatten.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

FlattenLayer::FlattenLayer(std::string name) : Layer(std::move(name)) {}

Shape FlattenLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1 || input_shapes[0].empty())
    throw Error("Flatten " + name() + " takes one input with at least one axis");
  return {shape_size(input_shapes[0])};
}

Tensor FlattenLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  if (x.rank() < 1) throw Error("Flatten " + name() + " needs a batch axis");
  input_shape_ = x.shape();
  return x.reshape({x.dim(0), x.dim(0) ? x.size() / x.dim(0) : 0});
}

std::vector<Tensor> FlattenLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {output_gradient.reshape(input_shape_)};
}

nlohmann::json FlattenLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["data_format"] = "channels_last";
  return config;
}

LayerPtr FlattenLayer::from_config(const nlohmann::json& config) {
  if (config.value("data_format", "channels_last") != "channels_last")
    throw Error("Flatten " + config.at("name").get<std::string>() + ": only channels_last is supported");
  return std::make_shared<FlattenLayer>(config.at("name").get<std::string>());
}

LayerHandle<FlattenLayer> Flatten(std::string name) {
  return LayerHandle<FlattenLayer>(std::make_shared<FlattenLayer>(detail::layer_name_or_default(std::move(name), "flatten")));
}

}  // namespace bottleneck
