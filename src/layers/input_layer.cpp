// keras.layers.InputLayer: the model's entry, what Input() creates.
#include "bottleneck/layers/input_layer.hpp"

#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

InputLayer::InputLayer(Shape shape, std::string name) : Layer(std::move(name)), shape_(std::move(shape)) {
  built_ = true;
}

Shape InputLayer::compute_output_shape(const std::vector<Shape>& /*input_shapes*/) const { return shape_; }

Tensor InputLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  Shape expected = shape_;
  expected.insert(expected.begin(), x.rank() ? x.dim(0) : 0);
  if (x.shape() != expected)
    throw Error("input " + name() + " takes samples of shape " + shape_to_string(shape_) + ", got a batch of shape " +
                shape_to_string(x.shape()));
  return x;
}

nlohmann::json InputLayer::get_config() const {
  nlohmann::json batch_input_shape = nlohmann::json::array({nullptr});
  for (int64_t d : shape_) batch_input_shape.push_back(d);
  return {{"batch_input_shape", batch_input_shape}, {"dtype", "float32"}, {"sparse", false}, {"name", name()}};
}

LayerPtr InputLayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  return std::make_shared<InputLayer>(detail::shape_after_batch_axis(config.at("batch_input_shape"), name), name);
}

SymbolicTensor Input(Shape shape, std::string name) {
  for (int64_t d : shape)
    if (d <= 0) throw Error("Input shape " + shape_to_string(shape) + " needs positive dimensions");
  if (name.empty()) name = detail::unique_layer_name("input", /*zero_based=*/false);
  auto node = std::make_shared<SymbolicNode>();
  node->layer = std::make_shared<InputLayer>(shape, std::move(name));
  node->shape = std::move(shape);
  return SymbolicTensor(std::move(node));
}

}  // namespace bottleneck
