// keras.layers.InputLayer: the model's entry, what Input() creates.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/core.hpp"

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
  const nlohmann::json& batch_input_shape = config.at("batch_input_shape");
  Shape shape;
  for (size_t i = 1; i < batch_input_shape.size(); ++i) {
    if (batch_input_shape[i].is_null())
      throw Error("input " + config.at("name").get<std::string>() + " has an unknown dimension; give a fixed shape");
    shape.push_back(batch_input_shape[i].get<int64_t>());
  }
  return std::make_shared<InputLayer>(shape, config.at("name").get<std::string>());
}

}  // namespace bottleneck
