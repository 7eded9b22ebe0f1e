#include "bottleneck/layers/conv2d.hpp"

#include "bottleneck/error.hpp"
#include "layers/activated_convolution.hpp"
#include "layers/convolution_window.hpp"
#include "layers/initializers.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

Conv2DLayer::Conv2DLayer(int64_t filters, Conv2DOptions options)
    : Layer(detail::layer_name_or_default(options.name, "conv2d")), filters_(filters), options_(std::move(options)) {
  const std::string layer = "Conv2D '" + name() + "'";
  detail::checked_count(filters_, "filters", layer);
  detail::checked_count(options_.groups, "groups", layer);
  if (filters_ % options_.groups != 0)
    throw Error(layer + ": filters (" + std::to_string(filters_) + ") must be divisible by groups (" +
                std::to_string(options_.groups) + ")");
  convolution_ = std::make_unique<detail::ActivatedConvolution>(
      detail::convolution_geometry(detail::window_of(options_), layer), options_.activation, options_.use_bias,
      "kernel", layer);
}

Conv2DLayer::~Conv2DLayer() = default;

Parameter& Conv2DLayer::kernel() { return convolution_->kernel; }
Parameter& Conv2DLayer::bias() { return convolution_->bias; }

Shape Conv2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error("Conv2D '" + name() + "' expects one (height, width, channels) input");
  if (in[0][2] % options_.groups != 0)
    throw Error("Conv2D '" + name() + "': " + std::to_string(in[0][2]) + " input channels are not divisible by groups (" +
                std::to_string(options_.groups) + ")");
  backend::WindowPlacement p = backend::place_window(
      in[0][0], in[0][1], detail::convolution_geometry(detail::window_of(options_), name()));
  return {p.out_h, p.out_w, filters_};
}

void Conv2DLayer::build(const std::vector<Shape>& in, Rng& rng) {
  compute_output_shape(in);
  const Shape kernel_shape{options_.kernel_h, options_.kernel_w, in[0][2] / options_.groups, filters_};
  convolution_->build(kernel_shape, kernel_shape, rng);
  built_ = true;
}

Tensor Conv2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  return convolution_->forward(inputs.at(0), backward_follows, detail::precision_of(dtype_policy()),
                               constant_weights_generation);
}

std::vector<Tensor> Conv2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  return {convolution_->backward(output_gradient, trainable, need_input_gradients)};
}

std::vector<Parameter*> Conv2DLayer::parameters() { return convolution_->parameters(); }

nlohmann::json Conv2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  detail::write_convolution_config(c, detail::window_of(options_), convolution_->activation_name(), options_.use_bias);
  c["groups"] = options_.groups;
  c["kernel_initializer"] = glorot_uniform_config();
  c["bias_initializer"] = zeros_config();
  c["kernel_regularizer"] = nullptr;
  c["bias_regularizer"] = nullptr;
  c["activity_regularizer"] = nullptr;
  c["kernel_constraint"] = nullptr;
  c["bias_constraint"] = nullptr;
  return c;
}

LayerPtr Conv2DLayer::from_config(const nlohmann::json& c) {
  Conv2DOptions o = detail::read_convolution_options<Conv2DOptions>(c, "Conv2D");
  o.groups = c.value("groups", int64_t{1});
  return std::make_shared<Conv2DLayer>(c.at("filters").get<int64_t>(), std::move(o));
}

LayerHandle<Conv2DLayer> Conv2D(int64_t filters, Conv2DOptions options) {
  return LayerHandle<Conv2DLayer>(std::make_shared<Conv2DLayer>(filters, std::move(options)));
}

}  // namespace bottleneck
