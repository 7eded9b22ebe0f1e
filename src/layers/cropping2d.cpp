#include "bottleneck/layers/cropping2d.hpp"

#include "backend/window_copy.hpp"
#include "bottleneck/error.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

Cropping2DLayer::Cropping2DLayer(Sides2D cropping, std::string name)
    : Border2DLayer(cropping, "cropping", detail::layer_name_or_default(std::move(name), "cropping2d")) {}

Shape Cropping2DLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  const Shape& in = check_input(input_shapes);
  const Shape out{in[0] - sides_.top - sides_.bottom, in[1] - sides_.left - sides_.right, in[2]};
  if (out[0] <= 0 || out[1] <= 0)
    throw Error("Cropping2D '" + name() + "': cropping " + get_config()["cropping"].dump() + " leaves nothing of an input " +
                shape_to_string(in));
  return out;
}

Tensor Cropping2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  return backend::crop(x, inner_offsets(), begin_forward(x));
}

std::vector<Tensor> Cropping2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {backend::zero_pad(output_gradient, inner_offsets(), saved_input_shape_)};
}

LayerPtr Cropping2DLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<Cropping2DLayer>(sides_from_config(config, "cropping", 0), config.at("name").get<std::string>());
}

LayerHandle<Cropping2DLayer> Cropping2D(Sides2D cropping, std::string name) {
  return LayerHandle<Cropping2DLayer>(std::make_shared<Cropping2DLayer>(cropping, std::move(name)));
}

}  // namespace bottleneck
