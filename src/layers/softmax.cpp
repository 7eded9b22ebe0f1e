// keras.layers.Softmax over one axis or a block of adjacent axes.
#include <algorithm>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/softmax.hpp"
#include "layers/activation_functions.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

SoftmaxLayer::SoftmaxLayer(std::vector<int64_t> axis, std::string name)
    : ElementwiseLayer(std::move(name)), axis_(std::move(axis)) {
  if (axis_.empty()) throw Error("Softmax " + this->name() + ": axis is empty");
}

SoftmaxLayer::Extent SoftmaxLayer::extent_of(const Shape& shape) const {
  const std::string layer = "Softmax " + name();
  std::vector<int64_t> axes;
  for (int64_t a : axis_) axes.push_back(detail::resolve_axis(a, static_cast<int64_t>(shape.size()), layer));
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end(), [](int64_t a, int64_t b) { return b != a + 1; }) != axes.end())
    throw Error(layer + ": softmax over axes that are repeated or not adjacent is not supported");
  Extent e{1, 1, 1};
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    (d < axes.front() ? e.outer : d > axes.back() ? e.inner : e.width) *= shape[d];
  return e;
}

void SoftmaxLayer::apply(Tensor& x) const {
  const Extent e = extent_of(x.shape());
  detail::softmax(x.data(), e.outer, e.width, e.inner);
}

void SoftmaxLayer::apply_backward(const Tensor& input, Tensor& gradient) const {
  const Extent e = extent_of(input.shape());
  Tensor y = input.clone();
  detail::softmax(y.data(), e.outer, e.width, e.inner);
  detail::softmax_backward(y.data(), gradient.data(), e.outer, e.width, e.inner);
}

nlohmann::json SoftmaxLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["axis"] = axis_.size() == 1 ? nlohmann::json(axis_[0]) : nlohmann::json(axis_);
  return config;
}

LayerPtr SoftmaxLayer::from_config(const nlohmann::json& config) {
  return std::make_shared<SoftmaxLayer>(detail::axis_list(config, "axis", {-1}), config.at("name").get<std::string>());
}

LayerHandle<SoftmaxLayer> Softmax(std::vector<int64_t> axis, std::string name) {
  return LayerHandle<SoftmaxLayer>(
      std::make_shared<SoftmaxLayer>(std::move(axis), detail::layer_name_or_default(std::move(name), "softmax")));
}

}  // namespace bottleneck
