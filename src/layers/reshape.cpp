#include "bottleneck/layers/reshape.hpp"

#include <algorithm>

#include "bottleneck/error.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

ReshapeLayer::ReshapeLayer(Shape target_shape, std::string name)
    : Layer(detail::layer_name_or_default(std::move(name), "reshape")), target_shape_(std::move(target_shape)) {
  const auto unknown = std::count(target_shape_.begin(), target_shape_.end(), -1);
  const bool valid = unknown <= 1 && std::all_of(target_shape_.begin(), target_shape_.end(), [](int64_t d) {
                       return d == -1 || (d > 0 && d <= (int64_t{1} << 40));
                     });
  if (!valid)
    throw Error("Reshape '" + this->name() + "': target_shape " + shape_to_string(target_shape_) +
                " must have positive axes and at most one -1");
  built_ = true;
}

Shape ReshapeLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1) throw Error("Reshape '" + name() + "' takes one input");
  const int64_t size = shape_size(in[0]);
  // The product of the known axes, stopping once it exceeds the input's size (no overflow).
  int64_t known = 1;
  for (int64_t d : target_shape_)
    if (d != -1) known = known <= size / d ? known * d : size + 1;
  Shape out = target_shape_;
  auto unknown = std::find(out.begin(), out.end(), -1);
  if (unknown != out.end() && known <= size && size % known == 0) *unknown = size / known;
  if (known > size || shape_size(out) != size)
    throw Error("Reshape '" + name() + "': an input of shape " + shape_to_string(in[0]) + " (" + std::to_string(size) +
                " values) cannot become " + shape_to_string(target_shape_));
  return out;
}

Tensor ReshapeLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  if (x.rank() < 1) throw Error("Reshape '" + name() + "' needs a batch axis");
  Shape out = compute_output_shape({Shape(x.shape().begin() + 1, x.shape().end())});
  out.insert(out.begin(), x.dim(0));
  saved_input_shape_ = x.shape();
  return x.reshape(out);
}

std::vector<Tensor> ReshapeLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {output_gradient.reshape(saved_input_shape_)};
}

nlohmann::json ReshapeLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["target_shape"] = target_shape_;
  return c;
}

LayerPtr ReshapeLayer::from_config(const nlohmann::json& c) {
  return std::make_shared<ReshapeLayer>(c.at("target_shape").get<Shape>(), c.at("name").get<std::string>());
}

LayerHandle<ReshapeLayer> Reshape(Shape target_shape, std::string name) {
  return LayerHandle<ReshapeLayer>(std::make_shared<ReshapeLayer>(std::move(target_shape), std::move(name)));
}

}  // namespace bottleneck
