#include "bottleneck/layers/global_pooling2d.hpp"

#include "backend/pooling.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/global_average_pooling2d.hpp"
#include "bottleneck/layers/global_max_pooling2d.hpp"

namespace bottleneck {

GlobalPooling2DLayer::GlobalPooling2DLayer(PoolingReduction reduction, std::string name, bool keepdims)
    : Layer(std::move(name)), keepdims_(keepdims) {
  // oneDNN's pooling with a window as large as the feature map.
  pooling_ = std::make_unique<backend::Pooling>(
      reduction == PoolingReduction::max ? backend::PoolKind::max : backend::PoolKind::average,
      backend::ConvGeometry{0, 0, 1, 1, backend::Padding::valid});
  built_ = true;
}

GlobalPooling2DLayer::~GlobalPooling2DLayer() = default;

Shape GlobalPooling2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error(class_name() + " '" + name() + "' expects one (height, width, channels) input");
  return keepdims_ ? Shape{1, 1, in[0][2]} : Shape{in[0][2]};
}

Tensor GlobalPooling2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  Tensor y = pooling_->forward(inputs.at(0), backward_follows);
  return keepdims_ ? y : y.reshape({y.dim(0), y.dim(3)});
}

std::vector<Tensor> GlobalPooling2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {pooling_->backward(output_gradient.reshape({output_gradient.dim(0), 1, 1, output_gradient.dim(-1)}))};
}

nlohmann::json GlobalPooling2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = "channels_last";
  c["keepdims"] = keepdims_;
  return c;
}

SymbolicTensor global_pooling(const SymbolicTensor& x, const std::string& pooling) {
  if (pooling == "avg") return GlobalAveragePooling2D()(x);
  if (pooling == "max") return GlobalMaxPooling2D()(x);
  if (pooling == "none" || pooling.empty()) return x;
  throw Error("pooling must be none, avg or max, not '" + pooling + "'");
}

GlobalPooling2DOptions GlobalPooling2DLayer::options_from_config(const nlohmann::json& c) {
  GlobalPooling2DOptions o{.keepdims = c.value("keepdims", false), .name = c.at("name").get<std::string>()};
  if (c.value("data_format", "channels_last") != "channels_last")
    throw Error(o.name + ": only channels_last is supported");
  return o;
}

}  // namespace bottleneck
