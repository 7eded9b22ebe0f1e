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
  const int64_t largest = int64_t{1} << 20;
  for (int64_t size : {options_.pool_h, options_.pool_w})
    if (size < 1 || size > largest)
      throw Error(name() + ": pool_size must be in 1.." + std::to_string(largest) + ", got " + std::to_string(size));
  for (int64_t stride : {options_.stride_h, options_.stride_w})
    if (stride < 0 || stride > largest)
      throw Error(name() + ": strides must be in 1.." + std::to_string(largest) + ", got " + std::to_string(stride));
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
  // 0 in the options means Keras' strides=None; a config that writes 0 is wrong, not None.
  if (c.contains("strides") && !c["strides"].is_null() && (o.stride_h < 1 || o.stride_w < 1))
    throw Error(o.name + ": strides must be positive, got " + c["strides"].dump());
  if (c.value("data_format", "channels_last") != "channels_last")
    throw Error(o.name + ": only channels_last is supported");
  return o;
}

}  // namespace bottleneck
