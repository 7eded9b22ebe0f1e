#include "bottleneck/layers/pooling2d.hpp"

#include "backend/pooling.hpp"
#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {
backend::PoolKind pool_kind(PoolingReduction reduction) {
  return reduction == PoolingReduction::max ? backend::PoolKind::max : backend::PoolKind::average;
}

backend::ConvGeometry geometry_of(const Pooling2DOptions& o, const std::string& layer) {
  return {o.pool_h, o.pool_w, o.stride_h ? o.stride_h : o.pool_h, o.stride_w ? o.stride_w : o.pool_w,
          detail::parse_padding(o.padding, layer)};
}
}  // namespace

Pooling2DLayer::Pooling2DLayer(PoolingReduction reduction, Pooling2DOptions options, const std::string& default_name)
    : Layer(detail::layer_name_or_default(options.name, default_name)), options_(std::move(options)) {
  pooling_ = std::make_unique<backend::Pooling>(pool_kind(reduction), geometry_of(options_, name()));
  built_ = true;
}

Pooling2DLayer::~Pooling2DLayer() = default;

Shape Pooling2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error(class_name() + " '" + name() + "' expects one (height, width, channels) input");
  backend::WindowPlacement p = backend::place_window(in[0][0], in[0][1], geometry_of(options_, name()));
  return {p.out_h, p.out_w, in[0][2]};
}

Tensor Pooling2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  return pooling_->forward(inputs.at(0), backward_follows);
}

std::vector<Tensor> Pooling2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {pooling_->backward(output_gradient)};
}

nlohmann::json Pooling2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  backend::ConvGeometry g = geometry_of(options_, name());
  c["pool_size"] = {g.kernel_h, g.kernel_w};
  c["strides"] = {g.stride_h, g.stride_w};
  c["padding"] = options_.padding;
  c["data_format"] = "channels_last";
  return c;
}

Pooling2DOptions Pooling2DLayer::options_from_config(const nlohmann::json& c) {
  Pooling2DOptions o{.padding = c.value("padding", "valid"), .name = c.at("name").get<std::string>()};
  std::tie(o.pool_h, o.pool_w) = detail::int_pair(c, "pool_size", 2);
  std::tie(o.stride_h, o.stride_w) = detail::int_pair(c, "strides", 0);
  return o;
}

}  // namespace bottleneck
