#include "bottleneck/layers/separable_conv2d.hpp"

#include "bottleneck/error.hpp"
#include "layers/convolution_window.hpp"
#include "layers/initializers.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {
DepthwiseConv2DOptions depthwise_half(const SeparableConv2DOptions& o, const std::string& name) {
  DepthwiseConv2DOptions d;
  detail::assign_window(d, detail::window_of(o));
  d.depth_multiplier = o.depth_multiplier;
  d.use_bias = false;
  d.name = name + "/depthwise";
  return d;
}

Conv2DOptions pointwise_half(const SeparableConv2DOptions& o, const std::string& name) {
  Conv2DOptions p;
  p.kernel_h = p.kernel_w = 1;
  p.activation = o.activation;
  p.use_bias = o.use_bias;
  p.name = name + "/pointwise";
  return p;
}
}  // namespace

SeparableConv2DLayer::SeparableConv2DLayer(int64_t filters, SeparableConv2DOptions options)
    : Layer(detail::layer_name_or_default(options.name, "separable_conv2d")),
      filters_(detail::checked_count(filters, "filters", "SeparableConv2D '" + name() + "'")),
      options_(std::move(options)),
      depthwise_(depthwise_half(options_, name())),
      pointwise_(filters_, pointwise_half(options_, name())) {
  pointwise_.kernel().name = "pointwise_kernel";
}

Shape SeparableConv2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error("SeparableConv2D '" + name() + "' expects one (height, width, channels) input");
  return pointwise_.compute_output_shape({depthwise_.compute_output_shape(in)});
}

void SeparableConv2DLayer::build(const std::vector<Shape>& in, Rng& rng) {
  depthwise_.build(in, rng);
  pointwise_.build({depthwise_.compute_output_shape(in)}, rng);
  built_ = true;
}

Tensor SeparableConv2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const bool keep = backward_follows;
  return pointwise_.forward({depthwise_.forward(inputs, keep)}, keep);
}

std::vector<Tensor> SeparableConv2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  depthwise_.trainable = pointwise_.trainable = trainable;
  const bool depthwise_needs_gradient = trainable || need_input_gradients;
  Tensor middle_gradient = pointwise_.backward(output_gradient, depthwise_needs_gradient).at(0);
  if (!depthwise_needs_gradient) return {Tensor()};
  return depthwise_.backward(middle_gradient, need_input_gradients);
}

void SeparableConv2DLayer::set_dtype_policy(const DTypePolicy& policy) {
  Layer::set_dtype_policy(policy);
  depthwise_.set_dtype_policy(policy);
  pointwise_.set_dtype_policy(policy);
}

std::vector<Parameter*> SeparableConv2DLayer::parameters() {
  std::vector<Parameter*> all = depthwise_.parameters();
  for (Parameter* p : pointwise_.parameters()) all.push_back(p);
  return all;
}

nlohmann::json SeparableConv2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  detail::write_convolution_config(c, detail::window_of(options_), pointwise_.get_config()["activation"],
                                   options_.use_bias);
  c["depth_multiplier"] = options_.depth_multiplier;
  c["depthwise_initializer"] = glorot_uniform_config();
  c["pointwise_initializer"] = glorot_uniform_config();
  c["bias_initializer"] = zeros_config();
  for (const char* absent : {"depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                             "activity_regularizer", "depthwise_constraint", "pointwise_constraint", "bias_constraint"})
    c[absent] = nullptr;
  return c;
}

LayerPtr SeparableConv2DLayer::from_config(const nlohmann::json& c) {
  SeparableConv2DOptions o = detail::read_convolution_options<SeparableConv2DOptions>(c, "SeparableConv2D");
  o.depth_multiplier = c.value("depth_multiplier", int64_t{1});
  return std::make_shared<SeparableConv2DLayer>(c.at("filters").get<int64_t>(), std::move(o));
}

LayerHandle<SeparableConv2DLayer> SeparableConv2D(int64_t filters, SeparableConv2DOptions options) {
  return LayerHandle<SeparableConv2DLayer>(std::make_shared<SeparableConv2DLayer>(filters, std::move(options)));
}

}  // namespace bottleneck
