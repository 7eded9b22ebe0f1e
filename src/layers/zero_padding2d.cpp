#include "bottleneck/layers/zero_padding2d.hpp"

#include "backend/window_copy.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

ZeroPadding2DLayer::ZeroPadding2DLayer(Sides2D padding, std::string name)
    : Border2DLayer(padding, "padding", detail::layer_name_or_default(std::move(name), "zero_padding2d")) {}

Shape ZeroPadding2DLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  const Shape& in = check_input(input_shapes);
  return {in[0] + sides_.top + sides_.bottom, in[1] + sides_.left + sides_.right, in[2]};
}

Tensor ZeroPadding2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  return backend::zero_pad(x, inner_offsets(), begin_forward(x));
}

std::vector<Tensor> ZeroPadding2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {backend::crop(output_gradient, inner_offsets(), saved_input_shape_)};
}

LayerPtr ZeroPadding2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<ZeroPadding2DLayer>(sides_from_config(config, "padding", 1), config.at("name").get<std::string>());
}

LayerHandle<ZeroPadding2DLayer> ZeroPadding2D(Sides2D padding, std::string name) {
  return LayerHandle<ZeroPadding2DLayer>(std::make_shared<ZeroPadding2DLayer>(padding, std::move(name)));
}

}  // namespace bottleneck
