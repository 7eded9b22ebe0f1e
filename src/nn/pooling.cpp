#include "backend/pooling.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/pooling.hpp"

namespace bottleneck {

namespace {
using Kind = Pooling2DLayer::Kind;

const char* snake_case_name(Kind kind) {
  switch (kind) {
    case Kind::max_pooling: return "max_pooling2d";
    case Kind::global_average: return "global_average_pooling2d";
    case Kind::global_max: return "global_max_pooling2d";
  }
  return "";
}

backend::ConvGeometry geometry_of(Kind kind, const Pooling2DOptions& o) {
  if (kind != Kind::max_pooling) return {0, 0, 1, 1, backend::Padding::valid};  // the whole map
  backend::Padding padding;
  if (o.padding == "same") padding = backend::Padding::same;
  else if (o.padding == "valid") padding = backend::Padding::valid;
  else throw Error("MaxPooling2D: padding must be 'same' or 'valid', not '" + o.padding + "'");
  return {o.pool_h, o.pool_w, o.stride_h ? o.stride_h : o.pool_h, o.stride_w ? o.stride_w : o.pool_w, padding};
}
}  // namespace

Pooling2DLayer::Pooling2DLayer(Kind kind, Pooling2DOptions options)
    : Layer(options.name.empty() ? unique_layer_name(snake_case_name(kind)) : options.name),
      kind_(kind),
      options_(std::move(options)),
      pooling_(std::make_unique<backend::Pooling>(
          kind == Kind::global_average ? backend::PoolKind::average : backend::PoolKind::max,
          geometry_of(kind, options_))) {
  built_ = true;
}

Pooling2DLayer::~Pooling2DLayer() = default;

std::string Pooling2DLayer::class_name() const {
  switch (kind_) {
    case Kind::max_pooling: return "MaxPooling2D";
    case Kind::global_average: return "GlobalAveragePooling2D";
    case Kind::global_max: return "GlobalMaxPooling2D";
  }
  return "";
}

Shape Pooling2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error(class_name() + " '" + name() + "' expects one (height, width, channels) input");
  if (kind_ != Kind::max_pooling) return {in[0][2]};
  backend::WindowPlacement p = backend::place_window(in[0][0], in[0][1], geometry_of(kind_, options_));
  return {p.out_h, p.out_w, in[0][2]};
}

Tensor Pooling2DLayer::forward(const std::vector<Tensor>& inputs, bool training) {
  Tensor y = pooling_->forward(inputs.at(0), training && backward_follows);
  if (kind_ != Kind::max_pooling) return y.reshape({y.dim(0), y.dim(3)});
  return y;
}

std::vector<Tensor> Pooling2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  Tensor g = output_gradient;
  if (kind_ != Kind::max_pooling) g = g.reshape({g.dim(0), 1, 1, g.dim(1)});
  return {pooling_->backward(g)};
}

nlohmann::json Pooling2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["data_format"] = "channels_last";
  if (kind_ == Kind::max_pooling) {
    backend::ConvGeometry g = geometry_of(kind_, options_);
    c["pool_size"] = {g.kernel_h, g.kernel_w};
    c["strides"] = {g.stride_h, g.stride_w};
    c["padding"] = options_.padding;
  }
  return c;
}

LayerPtr Pooling2DLayer::max_pooling_from_config(const nlohmann::json& c) {
  Pooling2DOptions o{.padding = c.value("padding", "valid"), .name = c.at("name").get<std::string>()};
  if (c.contains("pool_size")) o.pool_h = c["pool_size"][0], o.pool_w = c["pool_size"][1];
  if (c.contains("strides") && !c["strides"].is_null()) o.stride_h = c["strides"][0], o.stride_w = c["strides"][1];
  return std::make_shared<Pooling2DLayer>(Kind::max_pooling, o);
}

LayerPtr Pooling2DLayer::global_average_from_config(const nlohmann::json& c) {
  return std::make_shared<Pooling2DLayer>(Kind::global_average, Pooling2DOptions{.name = c.at("name").get<std::string>()});
}

LayerPtr Pooling2DLayer::global_max_from_config(const nlohmann::json& c) {
  return std::make_shared<Pooling2DLayer>(Kind::global_max, Pooling2DOptions{.name = c.at("name").get<std::string>()});
}

LayerHandle<Pooling2DLayer> MaxPooling2D(Pooling2DOptions options) {
  return LayerHandle<Pooling2DLayer>(std::make_shared<Pooling2DLayer>(Kind::max_pooling, std::move(options)));
}

LayerHandle<Pooling2DLayer> GlobalAveragePooling2D(std::string name) {
  return LayerHandle<Pooling2DLayer>(std::make_shared<Pooling2DLayer>(Kind::global_average, Pooling2DOptions{.name = name}));
}

LayerHandle<Pooling2DLayer> GlobalMaxPooling2D(std::string name) {
  return LayerHandle<Pooling2DLayer>(std::make_shared<Pooling2DLayer>(Kind::global_max, Pooling2DOptions{.name = name}));
}

}  // namespace bottleneck
